import {Component, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {deserializeDateTime, serializeDateTime} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

const {DateTime} = luxon;

/** Hours of a day the timeline shows, in the user's time zone. */
export const DAY_START = 6;
export const DAY_END = 20;
const STEP_MINUTES = 15;
const MODEL = "workshop.dispatch";

/**
 * Pure geometry of the timeline: a row is `days` segments side by side, each
 * spanning DAY_START..DAY_END. Positions are fractions (0..1) of the row.
 */
export function dateToFraction(anchor, days, date) {
    const dayIndex = Math.floor(date.startOf("day").diff(anchor, "days").days);
    if (dayIndex < 0) {
        return 0;
    }
    if (dayIndex >= days) {
        return 1;
    }
    const hours = date.hour + date.minute / 60;
    const within = Math.min(Math.max((hours - DAY_START) / (DAY_END - DAY_START), 0), 1);
    return (dayIndex + within) / days;
}

export function fractionToDate(anchor, days, fraction) {
    const position = Math.min(Math.max(fraction, 0), 0.99999) * days;
    const dayIndex = Math.floor(position);
    const minutes = (DAY_START + (position - dayIndex) * (DAY_END - DAY_START)) * 60;
    const snapped = Math.round(minutes / STEP_MINUTES) * STEP_MINUTES;
    return anchor.plus({days: dayIndex, minutes: snapped});
}

/** Lanes for overlapping blocks of one row: {jobId: [lane, lanes]}. */
export function laneLayout(blocks) {
    const sorted = [...blocks].sort((a, b) => a.start - b.start);
    const laneEnds = [];
    const lanes = {};
    for (const block of sorted) {
        let lane = laneEnds.findIndex((end) => end <= block.start);
        if (lane < 0) {
            lane = laneEnds.length;
            laneEnds.push(block.end);
        } else {
            laneEnds[lane] = block.end;
        }
        lanes[block.id] = lane;
    }
    const count = Math.max(laneEnds.length, 1);
    return Object.fromEntries(
        Object.entries(lanes).map(([id, lane]) => [id, [lane, count]])
    );
}

export class DispatchBoard extends Component {
    static template = "workshop_job_card.DispatchBoard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.state = useState({
            view: "day",
            anchor: DateTime.local().startOf("day"),
            teamId: false,
            skillId: false,
            dispatchOnDrop: false,
            data: {technicians: [], jobs: [], unscheduled: [], skills: [], teams: []},
            selected: {},
            drag: null,
            pending: null,
            suggestion: null,
            plan: null,
            busy: false,
        });
        this.onPointerMove = this.onPointerMove.bind(this);
        this.onPointerUp = this.onPointerUp.bind(this);
        onWillStart(() => this.load());
        onWillUnmount(() => this.stopListening());
    }

    // ------------------------------------------------------------------
    // Data
    // ------------------------------------------------------------------
    get days() {
        return this.state.view === "day" ? 1 : 7;
    }

    get windowStart() {
        return this.state.anchor.set({hour: DAY_START});
    }

    get windowEnd() {
        return this.state.anchor.plus({days: this.days - 1}).set({hour: DAY_END});
    }

    async load() {
        const data = await this.orm.call(MODEL, "get_board", [
            serializeDateTime(this.state.anchor),
            serializeDateTime(this.state.anchor.plus({days: this.days})),
        ], {team_id: this.state.teamId, skill_id: this.state.skillId});
        this.state.data = data;
        const present = new Set(data.unscheduled.map((job) => job.id));
        for (const id of Object.keys(this.state.selected)) {
            if (!present.has(Number(id))) {
                delete this.state.selected[id];
            }
        }
    }

    get skillNames() {
        return Object.fromEntries(this.state.data.skills.map((s) => [s.id, s.name]));
    }

    get columns() {
        if (this.state.view === "day") {
            const hours = [];
            for (let hour = DAY_START; hour < DAY_END; hour++) {
                hours.push({key: hour, label: `${String(hour).padStart(2, "0")}:00`});
            }
            return hours;
        }
        return [...Array(7).keys()].map((index) => {
            const day = this.state.anchor.plus({days: index});
            return {key: index, label: day.toFormat("ccc dd/LL")};
        });
    }

    get title() {
        const start = this.state.anchor;
        if (this.state.view === "day") {
            return start.toFormat("cccc d LLLL yyyy");
        }
        return `${start.toFormat("d LLL")} – ${start.plus({days: 6}).toFormat("d LLL yyyy")}`;
    }

    rows() {
        const jobsByTech = {};
        for (const job of this.state.data.jobs) {
            for (const techId of job.technician_ids) {
                (jobsByTech[techId] ||= []).push(job);
            }
        }
        return this.state.data.technicians.map((tech) => {
            const jobs = jobsByTech[tech.id] || [];
            const blocks = jobs.map((job) => this.block(job, tech.id));
            const lanes = laneLayout(blocks);
            for (const block of blocks) {
                const [lane, count] = lanes[block.id];
                block.top = (lane / count) * 100;
                block.height = 100 / count;
            }
            return {
                tech,
                blocks,
                work: tech.work.map(([start, end]) =>
                    this.band(deserializeDateTime(start), deserializeDateTime(end))
                ),
                load: this.loadHours(jobs),
            };
        });
    }

    block(job, techId) {
        const start = deserializeDateTime(job.start);
        const end = deserializeDateTime(job.end);
        const conflicts = (job.conflicts || []).filter((c) => c.technician_id === techId);
        return {
            id: job.id,
            job,
            techId,
            start,
            end,
            ...this.band(start, end),
            conflicts,
            conflictText: conflicts.map((c) => c.message).join("\n"),
            timeLabel: `${start.toFormat("HH:mm")}–${end.toFormat("HH:mm")}`,
        };
    }

    band(start, end) {
        const left = dateToFraction(this.state.anchor, this.days, start);
        const right = dateToFraction(this.state.anchor, this.days, end);
        return {left: left * 100, width: Math.max(right - left, 0.004) * 100};
    }

    /** Hours booked within the window shown (a job running over several days
     * counts only its part of the window). */
    loadHours(jobs) {
        const from = this.state.anchor;
        const to = this.state.anchor.plus({days: this.days});
        const hours = jobs.reduce((sum, job) => {
            const start = DateTime.max(deserializeDateTime(job.start), from);
            const end = DateTime.min(deserializeDateTime(job.end), to);
            return end > start ? sum + end.diff(start).as("hours") : sum;
        }, 0);
        return Math.round(hours * 10) / 10;
    }

    ghostFor(techId) {
        const drag = this.state.drag;
        if (!drag || !drag.ghost || drag.ghost.techId !== techId) {
            return null;
        }
        return {
            ...this.band(drag.ghost.start, drag.ghost.end),
            label: `${drag.ghost.start.toFormat("HH:mm")}–${drag.ghost.end.toFormat("HH:mm")}`,
        };
    }

    slaLabel(status) {
        return {
            none: _t("No SLA"),
            on_track: _t("On track"),
            at_risk: _t("At risk"),
            breached: _t("Breached"),
            met: _t("Met"),
        }[status];
    }

    formatDeadline(value) {
        return value ? deserializeDateTime(value).toFormat("ccc dd/LL HH:mm") : "";
    }

    formatSlot(start, end) {
        return this.formatRange(deserializeDateTime(start), deserializeDateTime(end));
    }

    formatRange(start, end) {
        return `${start.toFormat("ccc dd/LL HH:mm")}–${end.toFormat("HH:mm")}`;
    }

    // ------------------------------------------------------------------
    // Toolbar
    // ------------------------------------------------------------------
    async setView(view) {
        this.state.view = view;
        if (view === "week") {
            this.state.anchor = this.state.anchor.startOf("week");
        }
        await this.load();
    }

    async shift(direction) {
        this.state.anchor =
            direction === 0
                ? DateTime.local().startOf(this.state.view === "day" ? "day" : "week")
                : this.state.anchor.plus({days: direction * this.days});
        await this.load();
    }

    async onFilter(key, ev) {
        this.state[key] = Number(ev.target.value) || false;
        await this.load();
    }

    toggleSelected(jobId, ev) {
        if (ev.target.checked) {
            this.state.selected[jobId] = true;
        } else {
            delete this.state.selected[jobId];
        }
    }

    get selectedIds() {
        return Object.keys(this.state.selected).map(Number);
    }

    openJob(jobId) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "workshop.job",
            res_id: jobId,
            views: [[false, "form"]],
        });
    }

    // ------------------------------------------------------------------
    // Drag: pointer events, so mouse, pen, touch and tours behave alike
    // ------------------------------------------------------------------
    onPointerDown(ev, job, mode, techId = false) {
        if (!job.movable || ev.button > 0) {
            return;
        }
        ev.preventDefault();
        ev.stopPropagation();
        const row = ev.target.closest(".o_wd_timeline");
        this.state.drag = {
            job,
            mode,
            fromTechId: techId,
            row: row ? Number(row.dataset.techId) : false,
            x: ev.clientX,
            y: ev.clientY,
            moved: false,
            ghost: null,
        };
        window.addEventListener("pointermove", this.onPointerMove);
        window.addEventListener("pointerup", this.onPointerUp);
    }

    stopListening() {
        window.removeEventListener("pointermove", this.onPointerMove);
        window.removeEventListener("pointerup", this.onPointerUp);
    }

    timelineAt(ev) {
        const under = document.elementFromPoint(ev.clientX, ev.clientY);
        const target = (under && under.closest(".o_wd_timeline")) ||
            (ev.target.closest && ev.target.closest(".o_wd_timeline"));
        return target || null;
    }

    ghostAt(drag, ev) {
        const timeline =
            drag.mode === "resize"
                ? document.querySelector(`.o_wd_timeline[data-tech-id="${drag.row}"]`)
                : this.timelineAt(ev);
        if (!timeline) {
            return null;
        }
        const rect = timeline.getBoundingClientRect();
        const at = fractionToDate(
            this.state.anchor,
            this.days,
            (ev.clientX - rect.left) / rect.width
        );
        const techId = Number(timeline.dataset.techId);
        if (drag.mode === "resize") {
            const start = deserializeDateTime(drag.job.start);
            const end = at > start ? at : start.plus({minutes: STEP_MINUTES});
            return {techId, start, end};
        }
        return {techId, start: at, end: at.plus({hours: drag.job.duration_hours})};
    }

    onPointerMove(ev) {
        const drag = this.state.drag;
        if (!drag) {
            return;
        }
        if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) {
            drag.moved = true;
        }
        if (drag.moved) {
            drag.ghost = this.ghostAt(drag, ev);
        }
    }

    async onPointerUp(ev) {
        const drag = this.state.drag;
        this.stopListening();
        this.state.drag = null;
        if (!drag) {
            return;
        }
        if (!drag.moved) {
            if (drag.mode === "move" && drag.fromTechId) {
                this.openJob(drag.job.id);
            }
            return;
        }
        const ghost = this.ghostAt(drag, ev) || drag.ghost;
        if (ghost) {
            await this.propose({
                job: drag.job,
                techId: ghost.techId,
                start: ghost.start,
                end: ghost.end,
                fromTechId: drag.fromTechId,
            });
        }
    }

    // ------------------------------------------------------------------
    // Changes: conflicts first, then the server's rules
    // ------------------------------------------------------------------
    async propose(move) {
        const conflicts = await this.orm.call(MODEL, "check_slot", [
            move.job.id,
            move.techId,
            serializeDateTime(move.start),
            serializeDateTime(move.end),
        ]);
        if (conflicts.length) {
            const tech = this.state.data.technicians.find((t) => t.id === move.techId);
            this.state.pending = {...move, conflicts, techName: tech ? tech.name : ""};
            return;
        }
        await this.commit(move);
    }

    async confirmPending() {
        const move = this.state.pending;
        this.state.pending = null;
        await this.commit(move);
    }

    cancelPending() {
        this.state.pending = null;
    }

    async commit(move) {
        const card = await this.orm.call(
            MODEL,
            "move_job",
            [move.job.id, move.techId, serializeDateTime(move.start), serializeDateTime(move.end)],
            {from_technician_id: move.fromTechId || false, dispatch: this.state.dispatchOnDrop}
        );
        this.notification.add(
            _t("%(job)s planned %(slot)s", {
                job: card.name,
                slot: this.formatSlot(card.start, card.end),
            }),
            {type: card.conflicts.length ? "warning" : "success"}
        );
        await this.load();
    }

    // ------------------------------------------------------------------
    // Suggestions and auto-plan
    // ------------------------------------------------------------------
    async suggest(job) {
        this.state.plan = null;
        const rows = await this.orm.call(MODEL, "suggest", [job.id]);
        this.state.suggestion = {job, rows};
    }

    async acceptSuggestion(row) {
        const job = this.state.suggestion.job;
        this.state.suggestion = null;
        await this.commit({
            job,
            techId: row.technician_id,
            start: deserializeDateTime(row.start),
            end: deserializeDateTime(row.end),
            fromTechId: false,
        });
    }

    closeSuggestion() {
        this.state.suggestion = null;
    }

    async autoPlan() {
        this.state.suggestion = null;
        this.state.plan = await this.orm.call(MODEL, "auto_plan", [this.selectedIds]);
    }

    async applyPlan() {
        const plan = this.state.plan;
        const count = await this.orm.call(MODEL, "apply_plan", [
            plan.planned.map((row) => ({
                job_id: row.job_id,
                technician_id: row.technician_id,
                start: row.start,
                end: row.end,
            })),
        ]);
        this.state.plan = null;
        this.state.selected = {};
        this.notification.add(_t("%(count)s jobs planned", {count}), {type: "success"});
        await this.load();
    }

    discardPlan() {
        this.state.plan = null;
    }
}

registry.category("actions").add("workshop_dispatch_board", DispatchBoard);
