import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

/**
 * A job card from creation to invoice, as a coordinator with billing rights
 * does it in the web client. The records it picks (customer, products,
 * technician) are created by workshop_job_card/tests/test_tour.py, which
 * also checks the result in the database.
 */

const CUSTOMER = "Tourbridge Garage Ltd";
const TECHNICIAN = "Tina Tourtech";
const PART = "Tour Oil Filter";
const LABOUR = "Tour Labour Hour";
const SIGNER = "Sam Signer";

const LINES = ".o_field_widget[name=line_ids]";

function expectState(state) {
    return {
        content: `the job is now ${state}`,
        trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=${state}]`,
    };
}

function clickHeaderButton(name, content) {
    return {
        content,
        trigger: `.o_form_view .o_form_statusbar button[name=${name}]:enabled`,
        run: "click",
    };
}

/**
 * Add the `position`th line (1-based) of the list: waiting for that very row
 * to be the one in edition keeps the steps from editing the previous row.
 */
function addLine(position, kind, product, quantity) {
    const NEW_ROW = `${LINES} .o_data_row:nth-child(${position}).o_selected_row`;
    return [
        {
            content: "add a line",
            trigger: `${LINES} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: "the new line is in edition",
            trigger: `${NEW_ROW} .o_field_widget[name=product_id] input:value(/^$/)`,
        },
        {
            content: `the line is a ${kind}`,
            trigger: `${NEW_ROW} .o_field_widget[name=kind] select`,
            run: `select "${kind}"`,
        },
        {
            content: `pick ${product}`,
            trigger: `${NEW_ROW} .o_field_widget[name=product_id] input`,
            run: `edit ${product}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains(${product})`,
            run: "click",
        },
        {
            content: "the price comes from the product",
            trigger: `${NEW_ROW} .o_field_widget[name=product_id] input:value(${product})`,
        },
        {
            content: `quantity ${quantity}`,
            trigger: `${NEW_ROW} .o_field_widget[name=quantity] input`,
            run: `edit ${quantity}`,
        },
    ];
}

registry.category("web_tour.tours").add("workshop_job_card_tour", {
    url: "/odoo/action-workshop_job_card.workshop_job_action",
    steps: () => [
        // Workshop > Jobs > All Jobs
        {
            content: "we are in the Workshop app",
            trigger: ".o_main_navbar .o_menu_brand:contains(Workshop)",
        },
        {
            content: "open the Jobs menu",
            trigger:
                ".o_main_navbar .o_menu_sections [data-menu-xmlid='workshop_job_card.menu_workshop_jobs']",
            run: "click",
        },
        {
            content: "open All Jobs",
            trigger: "[data-menu-xmlid='workshop_job_card.menu_workshop_job_all']",
            run: "click",
        },
        {
            content: "the jobs kanban is shown",
            trigger: ".o_kanban_view .o_kanban_renderer",
        },
        {
            content: "create a job",
            trigger: ".o_control_panel_main_buttons .o-kanban-button-new",
            run: "click",
        },
        // The job card
        {
            content: "pick the customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: `edit ${CUSTOMER}`,
        },
        {
            trigger: `.o_field_widget[name=partner_id] .o-autocomplete--dropdown-item a:contains(${CUSTOMER})`,
            run: "click",
        },
        {
            content: "the invoice goes to the customer's accounts-payable contact",
            trigger:
                ".o_field_widget[name=partner_invoice_id] input:value(Accounts Payable)",
        },
        {
            content: "set the scheduled date",
            trigger: ".o_field_widget[name=scheduled_datetime] input",
            run: "edit 11/20/2026 12:00:00",
        },
        {
            content: "assign a technician",
            trigger: ".o_field_widget[name=technician_ids] input",
            run: `edit ${TECHNICIAN}`,
        },
        {
            trigger: `.o_field_widget[name=technician_ids] .o-autocomplete--dropdown-item a:contains(${TECHNICIAN})`,
            run: "click",
        },
        {
            content: "the technician is on the job",
            trigger: `.o_field_widget[name=technician_ids] .o_tag:contains(${TECHNICIAN})`,
        },
        // Lines
        {
            content: "open the Lines tab",
            trigger: ".o_notebook a[name=lines]",
            run: "click",
        },
        ...addLine(1, "part", PART, "2"),
        ...addLine(2, "labour", LABOUR, "1.5"),
        ...stepUtils.saveForm(),
        {
            content: "the part line is saved",
            trigger: `${LINES} .o_data_row:nth-child(1):contains(${PART}):contains(2.00)`,
        },
        {
            content: "the labour line is saved",
            trigger: `${LINES} .o_data_row:nth-child(2):contains(${LABOUR}):contains(1.50)`,
        },
        {
            content: "the job has a total",
            trigger:
                ".o_field_widget[name=amount_untaxed]:not(:contains(/^\\D*0\\.00\\D*$/))",
        },
        // Workflow
        clickHeaderButton("action_schedule", "schedule the job"),
        expectState("scheduled"),
        clickHeaderButton("action_dispatch", "dispatch it to the technician"),
        expectState("dispatched"),
        clickHeaderButton("action_arrive", "the technician arrives on site"),
        expectState("on_site"),
        {
            content: "open the Work tab",
            trigger: ".o_notebook a[name=work]",
            run: "click",
        },
        {
            content: "write the resolution",
            trigger:
                ".o_field_html[name=resolution] .odoo-editor-editable div.o-paragraph, " +
                ".o_field_html[name=resolution] .odoo-editor-editable p",
            run: "editor Replaced the oil filter and tested the pump.",
        },
        clickHeaderButton("action_done", "the work is done"),
        expectState("done"),
        // Sign-off
        {
            content: "open the sign-off tab",
            trigger: ".o_notebook a[name=signoff]",
            run: "click",
        },
        {
            content: "who signs",
            trigger: ".o_field_widget[name=signed_by] input",
            run: `edit ${SIGNER}`,
        },
        {
            content: "open the signature pad",
            trigger: ".o_field_widget[name=signature] .o_signature",
            run: "click",
        },
        {
            content: "the signer's name is drawn as the signature",
            trigger: ".modal .o_web_sign_auto_button.active",
        },
        {
            content: "adopt the signature",
            trigger: ".modal .modal-footer button.btn-primary:enabled:contains(Adopt)",
            run: "click",
        },
        {
            content: "the signature is on the job",
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=signature] img.o_signature",
        },
        clickHeaderButton("action_sign", "confirm the sign-off"),
        expectState("signed"),
        // Billing
        clickHeaderButton("action_create_invoice", "create the invoice"),
        {
            content: "the invoice opens",
            trigger: ".o_form_view .o_field_widget[name=invoice_line_ids]",
        },
        {
            content: "it is addressed to the accounts-payable contact",
            trigger: ".o_field_widget[name=partner_id] input:value(Accounts Payable)",
        },
        {
            content: "it bills the part",
            trigger: `.o_field_widget[name=invoice_line_ids] .o_data_row:contains(${PART})`,
        },
        {
            content: "and the labour",
            trigger: `.o_field_widget[name=invoice_line_ids] .o_data_row:contains(${LABOUR})`,
        },
        {
            content: "the breadcrumb leads back to the job",
            trigger: ".o_breadcrumb .breadcrumb-item:contains(WJ/)",
        },
    ],
});
