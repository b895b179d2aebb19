import {registry} from "@web/core/registry";

/**
 * The parts counter as a parts clerk uses it: scan a job card, scan two parts
 * (one typed into the scan field, one from a keyboard-wedge scanner, one more
 * unit with the + button), validate, and find both parts on the job card.
 * The job, its request and the parts are created by
 * workshop_parts_control/tests/test_parts_counter_tour.py, which checks the
 * job's lines in the database after the tour.
 */

const JOB = "WJ/TOUR/0001";
const OIL = "Tour Engine Oil 5W30";
const BELT = "Tour V-Belt";
const OIL_BARCODE = "2009990000012";
const BELT_BARCODE = "2009990000029";

/** Type ``code`` into the scan field and press Enter, as a wedge scanner does. */
function scanInField(code, content) {
    return [
        {
            content,
            trigger: ".o_counter_input",
            run: `edit ${code}`,
        },
        {
            content: "the scanner ends the code with Enter",
            trigger: ".o_counter_scan",
            run() {
                this.anchor.requestSubmit();
            },
        },
    ];
}

/**
 * A wedge scanner firing while the focus is outside any field: its keystrokes
 * reach the barcode service, which hands the code to the counter.
 */
function scanWithWedge(code, content) {
    return {
        content,
        trigger: ".o_counter_picking",
        run() {
            document.activeElement.blur();
            for (const key of [...code, "Enter"]) {
                document.body.dispatchEvent(
                    new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true})
                );
            }
        },
    };
}

function line(product) {
    return `.o_counter_line:has(.o_counter_product_name:contains(${product}))`;
}

registry.category("web_tour.tours").add("workshop_parts_counter_tour", {
    url: "/odoo/action-workshop_parts_control.workshop_parts_counter_action",
    steps: () => [
        {
            content: "the counter asks for a job card",
            trigger: ".o_workshop_parts_counter .o_counter_hint",
        },
        ...scanInField(JOB, "scan the job card"),
        {
            content: "the job's transfer is open, with the requested oil",
            trigger: `.o_counter_job:contains(${JOB})`,
        },
        {
            trigger: `${line(OIL)} .o_counter_qty:value(0)`,
        },
        ...scanInField(OIL_BARCODE, "scan the oil"),
        {
            content: "one oil counted",
            trigger: `${line(OIL)}.o_counter_line_last .o_counter_qty:value(1)`,
        },
        {
            trigger: `.o_counter_feedback.alert-success:contains(${OIL})`,
        },
        scanWithWedge(OIL_BARCODE, "scan the oil again, focus outside the field"),
        {
            content: "two oils counted: all that was requested",
            trigger: `${line(OIL)}.o_counter_line_complete .o_counter_qty:value(2)`,
        },
        scanWithWedge(BELT_BARCODE, "scan a belt that was not requested"),
        {
            content: "the belt gets its own line",
            trigger: `${line(BELT)}.o_counter_line_last .o_counter_qty:value(1)`,
        },
        {
            content: "one more belt",
            trigger: `${line(BELT)} .o_counter_plus:enabled`,
            run: "click",
        },
        {
            trigger: `${line(BELT)} .o_counter_qty:value(2)`,
        },
        {
            content: "validate the two counted lines",
            trigger: ".o_counter_validate:enabled:contains(2)",
            run: "click",
        },
        {
            content: "the counter confirms the issue",
            trigger: `.o_counter_done .o_counter_done_job:contains(${JOB})`,
        },
        {
            content: "both parts are on the job card now",
            trigger: `.o_counter_done_lines tr:contains(${OIL}):contains(2)`,
        },
        {
            trigger: `.o_counter_done_lines tr:contains(${BELT}):contains(2)`,
        },
        {
            content: "open the job card",
            trigger: ".o_counter_open_job",
            run: "click",
        },
        {
            content: "to the job card's lines",
            trigger: ".o_form_view .o_notebook a[name=lines]",
            run: "click",
        },
        {
            content: "the job card lists the oil",
            trigger: `.o_form_view .o_field_widget[name=line_ids] .o_data_row:contains(${OIL})`,
        },
        {
            content: "and the belt",
            trigger: `.o_form_view .o_field_widget[name=line_ids] .o_data_row:contains(${BELT})`,
        },
    ],
});
