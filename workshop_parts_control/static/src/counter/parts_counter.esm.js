import {Component, onMounted, onWillStart, useRef, useState} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {useBus, useService} from "@web/core/utils/hooks";
import {_t} from "@web/core/l10n/translation";
import {isBarcodeScannerSupported} from "@web/core/barcode/barcode_video_scanner";
import {isMobileOS} from "@web/core/browser/feature_detection";
import {registry} from "@web/core/registry";
import {scanBarcode} from "@web/core/barcode/barcode_dialog";

const STORAGE_KEY = "workshop_parts_counter.picking_id";

/**
 * The parts counter: scan a job card, scan parts (product barcodes or
 * lot/serial numbers), adjust quantities, validate. Works with keyboard-wedge
 * scanners (the barcode service), with codes typed in the scan field and with
 * the phone camera. Every scan answers in the feedback banner: what was
 * counted and how many, or what went wrong (in red).
 */
export class PartsCounter extends Component {
    static template = "workshop_parts_control.PartsCounter";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({
            picking: null,
            done: null,
            feedback: null,
            lastMoveId: false,
            busy: false,
        });
        this.cameraSupported = isBarcodeScannerSupported();
        this.isMobile = isMobileOS();
        this.scanInput = useRef("scanInput");
        // scans are handled one after the other, in the order they come: a
        // scanner fires faster than the server answers
        this.scanQueue = Promise.resolve();
        useBus(this.env.services.barcode.bus, "barcode_scanned", (ev) =>
            this.onBarcode(ev.detail.barcode)
        );
        onWillStart(() => this.restore());
        onMounted(() => {
            // a keyboard-wedge scanner types into the focused field; on a phone
            // the field would open the on-screen keyboard instead
            if (!this.isMobile && this.scanInput.el) {
                this.scanInput.el.focus();
            }
        });
    }

    /**
     * Back to the transfer being counted when the page is reloaded (or the
     * clerk comes back to the counter from a job card) in this browser tab.
     */
    async restore() {
        const pickingId = parseInt(browser.sessionStorage.getItem(STORAGE_KEY));
        if (!pickingId) {
            return;
        }
        const picking = await this.call("open_picking", [pickingId]);
        if (picking) {
            this.showPicking(picking);
        } else {
            this.state.feedback = null;
            browser.sessionStorage.removeItem(STORAGE_KEY);
        }
    }

    get placeholder() {
        return this.state.picking
            ? _t("Scan or type a part, a serial number or the next job card")
            : _t("Scan or type a job card");
    }

    // ------------------------------------------------------------------
    // Server calls
    // ------------------------------------------------------------------

    /**
     * Call a method of the counter; a refusal becomes a red feedback banner
     * (and null) instead of an error dialog, so the next scan can follow.
     */
    async call(method, args) {
        this.state.busy = true;
        try {
            return await this.orm.call("workshop.parts.counter", method, args);
        } catch (error) {
            const message = (error.data && error.data.message) || error.message;
            this.setFeedback("danger", message);
            return null;
        } finally {
            this.state.busy = false;
        }
    }

    setFeedback(type, title, detail = "") {
        this.state.feedback = {type, title, detail};
        if (type === "danger" && this.isMobile) {
            // the clerk looks at the part, not at the screen
            browser.navigator.vibrate?.(300);
        }
    }

    showPicking(picking) {
        browser.sessionStorage.setItem(STORAGE_KEY, String(picking.picking_id));
        this.state.picking = picking;
        this.state.done = null;
        this.state.lastMoveId = picking.scanned_move_id || false;
    }

    lineOf(moveId) {
        return (this.state.picking?.lines || []).find((l) => l.move_id === moveId);
    }

    // ------------------------------------------------------------------
    // Scans
    // ------------------------------------------------------------------

    onBarcode(code) {
        code = (code || "").trim();
        if (!code) {
            return this.scanQueue;
        }
        return this.enqueue(() => this.processBarcode(code));
    }

    /** Run ``job`` after the scans and clicks before it have been answered. */
    enqueue(job) {
        this.scanQueue = this.scanQueue.then(job).catch((error) => {
            this.setFeedback("danger", error.message || String(error));
        });
        return this.scanQueue;
    }

    async processBarcode(code) {
        const current = this.state.picking;
        const result = current
            ? await this.call("scan", [current.picking_id, code])
            : await this.call("scan_job", [code]);
        if (!result) {
            return;
        }
        this.showPicking(result);
        if (!result.scanned_move_id) {
            // a job card was scanned (the first, or the next one)
            this.setFeedback(
                "info",
                _t("Job %(job)s: scan its parts.", {job: result.job}),
                result.customer
            );
            return;
        }
        const line = this.lineOf(result.scanned_move_id);
        if (line) {
            this.setFeedback(
                line.demand && line.counted > line.demand ? "warning" : "success",
                _t("Counted %(product)s", {product: line.product}),
                this.progress(line)
            );
        }
    }

    async onManualSubmit(ev) {
        // a keyboard-wedge scanner types the code into the focused field and
        // ends it with Enter; so does a clerk typing a code by hand
        ev.preventDefault();
        const input = this.scanInput.el;
        const code = input.value;
        input.value = "";
        await this.onBarcode(code);
    }

    async onCamera() {
        let code;
        try {
            code = await scanBarcode(this.env);
        } catch (error) {
            this.setFeedback("danger", error.message);
            return;
        }
        await this.onBarcode(code);
    }

    // ------------------------------------------------------------------
    // Quantities
    // ------------------------------------------------------------------

    progress(line) {
        const counted = this.formatQty(line.counted);
        if (!line.demand) {
            return _t("%(counted)s %(uom)s (not requested)", {
                counted,
                uom: line.uom,
            });
        }
        if (line.counted > line.demand) {
            return _t("%(counted)s of %(demand)s %(uom)s: more than requested", {
                counted,
                demand: this.formatQty(line.demand),
                uom: line.uom,
            });
        }
        return _t("%(counted)s of %(demand)s %(uom)s", {
            counted,
            demand: this.formatQty(line.demand),
            uom: line.uom,
        });
    }

    formatQty(qty) {
        return Number.isInteger(qty) ? String(qty) : String(Math.round(qty * 1000) / 1000);
    }

    lineClass(line) {
        const classes = [];
        if (line.move_id === this.state.lastMoveId) {
            classes.push("o_counter_line_last");
        }
        if (line.demand && line.counted > line.demand) {
            classes.push("o_counter_line_over");
        } else if (line.counted && line.counted >= line.demand) {
            classes.push("o_counter_line_complete");
        } else if (line.counted) {
            classes.push("o_counter_line_partial");
        }
        return classes.join(" ");
    }

    setQuantity(line, quantity) {
        if (isNaN(quantity) || quantity < 0) {
            this.setFeedback("danger", _t("Enter a quantity of zero or more."));
            return this.scanQueue;
        }
        return this.enqueue(() => this.writeQuantity(line, quantity));
    }

    async writeQuantity(line, quantity) {
        const result = await this.call("set_quantity", [
            this.state.picking.picking_id,
            line.move_id,
            quantity,
        ]);
        if (result) {
            this.showPicking(result);
            const updated = this.lineOf(line.move_id);
            this.setFeedback(
                "success",
                _t("Quantity of %(product)s set", {product: updated.product}),
                this.progress(updated)
            );
        }
    }

    async onQuantityChange(line, ev) {
        // leave the field: the next scan of a wedge scanner must not type into it
        ev.target.blur();
        await this.setQuantity(line, parseFloat(ev.target.value));
    }

    onQuantityKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            ev.target.blur();
        }
    }

    async onIncrement(line, delta) {
        await this.setQuantity(line, Math.max(0, line.counted + delta));
    }

    async onClear(line) {
        await this.setQuantity(line, 0);
    }

    // ------------------------------------------------------------------
    // Validation
    // ------------------------------------------------------------------

    get countedLines() {
        return (this.state.picking?.lines || []).filter((l) => l.counted > 0);
    }

    onValidate() {
        return this.enqueue(() => this.validate());
    }

    async validate() {
        if (!this.state.picking) {
            return;
        }
        const result = await this.call("validate", [this.state.picking.picking_id]);
        if (result) {
            browser.sessionStorage.removeItem(STORAGE_KEY);
            this.state.done = result;
            this.state.picking = null;
            this.state.lastMoveId = false;
            this.setFeedback(
                "success",
                _t("%(picking)s issued to %(job)s.", {
                    picking: result.picking,
                    job: result.job,
                }),
                result.backorder
                    ? _t("What was not counted waits on %(backorder)s.", {
                          backorder: result.backorder,
                      })
                    : ""
            );
        }
    }

    onNewJob() {
        browser.sessionStorage.removeItem(STORAGE_KEY);
        this.state.picking = null;
        this.state.done = null;
        this.state.lastMoveId = false;
        this.setFeedback("info", _t("Scan the barcode of the next job card."));
        if (!this.isMobile && this.scanInput.el) {
            this.scanInput.el.focus();
        }
    }

    async onOpenJob(jobId) {
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "workshop.job",
            res_id: jobId,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("workshop_parts_control.parts_counter", PartsCounter);
