import {Component, useState} from "@odoo/owl";
import {
    BarcodeVideoScanner,
    isBarcodeScannerSupported,
} from "@web/core/barcode/barcode_video_scanner";
import {jobSections} from "@workshop_job_card/technician_app/technician_job.esm";
import {localEffects} from "@workshop_job_card/technician_app/store.esm";

const MATCHES_SHOWN = 8;

/**
 * The technician app's parts with parts control: the technician's van stock
 * (kept on the phone), parts used from it by tapping or scanning a barcode
 * (camera or typed), and parts requested from the warehouse. Each is an
 * outbox action (van_issue, request_part) applied on the server through the
 * job form's own methods.
 */
export class TechnicianVanParts extends Component {
    static template = "workshop_parts_control.TechnicianVanParts";
    static components = {BarcodeVideoScanner};
    static props = {job: Object, store: Object};

    setup() {
        this.ui = useState({
            code: "",
            feedback: "",
            error: false,
            scanning: false,
            search: "",
            requestQty: 1,
        });
        this.canScan = isBarcodeScannerSupported();
    }

    get day() {
        return this.props.store.state.day;
    }

    get products() {
        return this.day.products || [];
    }

    productName(productId) {
        const product = this.products.find((p) => p.id === productId);
        return product ? product.display_name : `#${productId}`;
    }

    get vanItems() {
        const company = this.props.job.company_id && this.props.job.company_id[0];
        return (this.day.van || []).filter(
            (item) => item.company_id === company && item.quantity > 0
        );
    }

    get canUseParts() {
        return ["dispatched", "en_route", "on_site", "waiting_parts"].includes(
            this.props.job.state
        );
    }

    get matches() {
        const term = this.ui.search.trim().toLowerCase();
        if (!term) {
            return [];
        }
        return this.products
            .filter(
                (p) =>
                    p.display_name.toLowerCase().includes(term) ||
                    (p.barcode || "").toLowerCase() === term
            )
            .slice(0, MATCHES_SHOWN);
    }

    say(message, error = false) {
        this.ui.feedback = message;
        this.ui.error = error;
    }

    async useFromVan(item) {
        if (item.quantity < 1) {
            this.say(`${this.productName(item.product_id)}: none left in your van.`, true);
            return;
        }
        await this.props.store.queue("van_issue", this.props.job.id, {
            product_id: item.product_id,
            lot_id: item.lot_id || false,
            quantity: 1,
        });
        this.say(`${this.productName(item.product_id)}: 1 used from your van.`);
    }

    async onCode(code) {
        const value = (code || "").trim();
        this.ui.code = "";
        if (!value) {
            return;
        }
        const item = this.vanItems.find((i) => i.lot_name === value);
        if (item) {
            return this.useFromVan(item);
        }
        const product = this.products.find(
            (p) => p.barcode === value || p.default_code === value
        );
        if (!product) {
            this.say(`${value}: no part with this barcode on the phone.`, true);
            return;
        }
        const inVan = this.vanItems.find((i) => i.product_id === product.id && !i.lot_id);
        if (inVan) {
            return this.useFromVan(inVan);
        }
        this.ui.search = product.display_name;
        this.say(`${product.display_name} is not in your van: request it below.`, true);
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            this.onCode(this.ui.code);
        }
    }

    async onScanned(code) {
        this.ui.scanning = false;
        await this.onCode(code);
    }

    onScanError(error) {
        this.ui.scanning = false;
        this.say(error.message || String(error), true);
    }

    async request(product) {
        const qty = Number(this.ui.requestQty) || 1;
        await this.props.store.queue("request_part", this.props.job.id, {
            product_id: product.id,
            quantity: qty,
        });
        this.ui.search = "";
        this.say(`${product.display_name}: ${qty} requested from the warehouse.`);
    }
}

jobSections.add("workshop_parts_control.van_parts", TechnicianVanParts);

localEffects.add("van_issue", (job, action, day) => {
    const item = (day.van || []).find(
        (i) => i.product_id === action.product_id && (i.lot_id || false) === (action.lot_id || false)
    );
    if (item) {
        item.quantity -= action.quantity;
    }
    const product = (day.products || []).find((p) => p.id === action.product_id);
    job.lines.push({
        id: false,
        client_uuid: action.uuid,
        kind: "part",
        product_id: [action.product_id, product ? product.display_name : ""],
        quantity: action.quantity,
        product_uom_id: product ? product.uom_id : false,
        pending: true,
    });
});

localEffects.add("request_part", (job, action, day) => {
    const product = (day.products || []).find((p) => p.id === action.product_id);
    job.requests = [
        ...(job.requests || []),
        {
            id: false,
            client_uuid: action.uuid,
            product_id: [action.product_id, product ? product.display_name : ""],
            product_uom_qty: action.quantity,
            state: "requested",
        },
    ];
});
