import {registry} from "@web/core/registry";

/**
 * The dispatch board as a coordinator uses it: drag a job onto a technician,
 * stretch it, meet a conflict before it happens, accept a suggestion and
 * auto-plan three jobs. The records are made by tests/test_dispatch_tour.py,
 * which checks the database after.
 */

const TECH = "Dora Dispatch";
const ROW = `.o_wd_row:has(.o_wd_tech:contains(${TECH}))`;
const PANEL = ".o_wd_unscheduled";

function cell(hour) {
    return `${ROW} .o_wd_cell[data-col='${hour}']`;
}

function dragTo(content, trigger, target) {
    return {
        content,
        trigger,
        async run(helpers) {
            await helpers.drag_and_drop(target, {position: {x: 3, y: 10}, relative: true});
        },
    };
}

function select(customer) {
    return {
        content: `select ${customer} for the auto-plan`,
        trigger: `${PANEL} .o_wd_card:contains(${customer}) .o_wd_select`,
        run: "check",
    };
}

registry.category("web_tour.tours").add("workshop_dispatch_tour", {
    url: "/odoo/action-workshop_job_card.workshop_dispatch_action",
    steps: () => [
        {
            content: "the board shows the technician and the jobs to plan",
            trigger: `${ROW} .o_wd_timeline`,
        },
        dragTo(
            "drag Alpha onto the technician at 09:00",
            `${PANEL} .o_wd_card:contains(Tour Alpha)`,
            cell(9)
        ),
        {
            content: "Alpha is on the board from 09:00",
            trigger: `${ROW} .o_wd_block:contains(Tour Alpha):contains(09:00)`,
        },
        dragTo(
            "stretch Alpha until 12:00",
            `${ROW} .o_wd_block:contains(Tour Alpha) .o_wd_resize`,
            cell(12)
        ),
        {
            content: "Alpha now ends at 12:00",
            trigger: `${ROW} .o_wd_block:contains(Tour Alpha):contains(09:00–12:00)`,
        },
        dragTo(
            "drag Bravo over Alpha",
            `${PANEL} .o_wd_card:contains(Tour Bravo)`,
            cell(10)
        ),
        {
            content: "the overlap is shown before anything is saved",
            trigger: ".o_wd_conflicts .o_wd_conflict_overlap",
        },
        {
            content: "do not book it",
            trigger: ".o_wd_conflicts .o_wd_cancel",
            run: "click",
        },
        {
            content: "Bravo is still to plan",
            trigger: `${PANEL} .o_wd_card:contains(Tour Bravo)`,
        },
        {
            content: "ask who should do Charlie",
            trigger: `${PANEL} .o_wd_card:contains(Tour Charlie) .o_wd_suggest`,
            run: "click",
        },
        {
            content: "schedule the best suggestion",
            trigger: ".o_wd_suggestions .o_wd_suggestion_row:first .o_wd_accept",
            run: "click",
        },
        {
            content: "Charlie has left the list",
            trigger: `${PANEL}:not(:has(.o_wd_card:contains(Tour Charlie)))`,
        },
        select("Tour Bravo"),
        select("Tour Delta"),
        select("Tour Echo"),
        {
            content: "preview an auto-plan of the three",
            trigger: ".o_wd_auto_plan:contains(3)",
            run: "click",
        },
        {
            content: "three jobs are placed in the preview",
            trigger: ".o_wd_plan_row:nth-child(3)",
        },
        {
            content: "apply the plan",
            trigger: ".o_wd_apply_plan",
            run: "click",
        },
        {
            content: "nothing is left to plan",
            trigger: `${PANEL}:contains(Every open job is planned)`,
        },
    ],
});
