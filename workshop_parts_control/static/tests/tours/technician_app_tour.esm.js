import {registry} from "@web/core/registry";

/**
 * A technician's full day in My Day on a phone (390×844), online: open the
 * job, start travel, arrive, start and stop the timer, use a part from the van
 * by scanning its barcode, take a photo, write the resolution, close the job
 * and have the customer sign. The records are made by
 * workshop_parts_control/tests/test_technician_app_browser.py, which checks
 * the job in the database after the tour.
 */

const CUSTOMER = "Phone Tour Garage";
const PART_BARCODE = "2009990000777";
// a 1x1 PNG, as a camera photo stands in a headless browser
const PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

function next(step, content) {
    return {
        content,
        trigger: `.o_workshop_app_next[data-step=${step}]:enabled`,
        run: "click",
    };
}

function synced() {
    return {
        content: "nothing waits to sync",
        trigger: ".o_workshop_app_outbox_count[data-count='0']",
    };
}

function drawSignature() {
    const canvas = document.querySelector(".o_workshop_app_signature_canvas");
    const rect = canvas.getBoundingClientRect();
    const at = (x, y) => ({
        clientX: rect.left + x,
        clientY: rect.top + y,
        bubbles: true,
        pointerId: 1,
    });
    canvas.dispatchEvent(new PointerEvent("pointerdown", at(20, 40)));
    for (let x = 30; x < 200; x += 10) {
        canvas.dispatchEvent(new PointerEvent("pointermove", at(x, 40 + (x % 30))));
    }
    canvas.dispatchEvent(new PointerEvent("pointerup", at(200, 60)));
}

registry.category("web_tour.tours").add("workshop_technician_app_tour", {
    steps: () => [
        {
            content: "My Day lists the job",
            trigger: `.o_workshop_app_card:contains(${CUSTOMER})`,
            run: "click",
        },
        next("start_travel", "start travel"),
        synced(),
        next("arrive", "arrived on site"),
        synced(),
        next("timer_start", "start the timer"),
        {content: "the timer runs", trigger: ".o_workshop_app_timer"},
        next("timer_stop", "stop the timer"),
        synced(),
        {
            content: "scan the part's barcode",
            trigger: ".o_workshop_app_scan_input",
            run: `edit ${PART_BARCODE}`,
        },
        {trigger: ".o_workshop_app_scan_ok", run: "click"},
        {
            content: "the part is used from the van",
            trigger: ".o_workshop_app_scan_feedback.text-success:contains(used from your van)",
        },
        synced(),
        {
            content: "take a photo",
            trigger: ".o_workshop_app_photo_input:not(:visible)",
            async run() {
                const bytes = Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], "pump.png", {type: "image/png"}));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {content: "the photo shows", trigger: "img.o_workshop_app_photo"},
        synced(),
        {
            content: "write what was done",
            trigger: "textarea.o_workshop_app_resolution",
            run: "edit Replaced the water pump seal.",
        },
        next("done", "close the job"),
        synced(),
        next("sign_open", "customer sign-off"),
        {
            content: "the customer signs",
            trigger: ".o_workshop_app_signature_canvas",
            run: drawSignature,
        },
        {
            content: "and writes their name",
            trigger: "input.o_workshop_app_signer",
            run: "edit Pat Customer",
        },
        {trigger: ".o_workshop_app_confirm_sign:enabled", run: "click"},
        synced(),
        {
            content: "signed: ready to invoice",
            trigger: ".o_workshop_app_signed:contains(Pat Customer)",
        },
    ],
});
