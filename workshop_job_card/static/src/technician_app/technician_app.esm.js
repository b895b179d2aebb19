import {Component, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {TechnicianStore} from "./store.esm";
import {TechnicianJob} from "./technician_job.esm";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";

const STATE_LABELS = {
    draft: "Draft",
    scheduled: "Scheduled",
    dispatched: "Dispatched",
    en_route: "On the way",
    on_site: "On site",
    waiting_parts: "Waiting for parts",
    done: "Done, to sign",
    signed: "Signed",
    invoiced: "Invoiced",
    cancelled: "Cancelled",
};

const ACTION_LABELS = {
    start_travel: "Start travel",
    arrive: "Arrived",
    wait_parts: "Waiting for parts",
    resume: "Resume",
    done: "Done",
    sign: "Customer sign-off",
    timer_start: "Timer started",
    timer_stop: "Timer stopped",
    photo: "Photo",
    update: "Notes",
    add_line: "Line",
    van_issue: "Part from the van",
    request_part: "Parts request",
};

/** A server datetime ("YYYY-MM-DD HH:MM:SS", UTC) as a Date. */
export function toDate(value) {
    return value ? new Date(value.replace(" ", "T") + "Z") : null;
}

export function formatDuration(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const mins = minutes % 60;
    if (days) {
        return `${days}d ${hours}h`;
    }
    return hours ? `${hours}h ${String(mins).padStart(2, "0")}m` : `${mins}m`;
}

export function mapsUrl(site) {
    if (site.has_position) {
        return `geo:${site.latitude},${site.longitude}?q=${site.latitude},${site.longitude}`;
    }
    return `https://www.openstreetmap.org/search?query=${encodeURIComponent(site.address || "")}`;
}

/**
 * My Day: the technician's jobs of today and the next days, one job at a time
 * with its next step as one big button. Runs inside the web client (a client
 * action) and alone at /workshop/my-day (installable, offline).
 */
export class TechnicianApp extends Component {
    static template = "workshop_job_card.TechnicianApp";
    static components = {TechnicianJob};
    static props = {
        userId: Number,
        userName: {type: String, optional: true},
        standalone: {type: Boolean, optional: true},
        "*": true,
    };

    setup() {
        this.store = new TechnicianStore(this.props.userId);
        this.state = useState(this.store.state);
        this.ui = useState({jobId: null, now: Date.now()});
        onWillStart(() => this.store.start());
        const tick = setInterval(() => {
            this.ui.now = Date.now();
        }, 1000);
        onWillUnmount(() => {
            clearInterval(tick);
            this.store.stop();
        });
        this.stateLabels = STATE_LABELS;
        this.actionLabels = ACTION_LABELS;
        this.mapsUrl = mapsUrl;
    }

    get jobs() {
        return this.state.day.jobs;
    }

    get currentJob() {
        return this.ui.jobId ? this.store.getJob(this.ui.jobId) : null;
    }

    /** Jobs under work first, then those waiting for the customer's signature,
     * then by scheduled day: late ones, today, the next days, unplanned. */
    get groups() {
        const groups = new Map();
        const now = new Date();
        const today = now.toDateString();
        for (const job of this.jobs) {
            const date = toDate(job.scheduled_datetime);
            let label = "Not planned";
            let rank = 5e15;
            if (["en_route", "on_site", "waiting_parts"].includes(job.state)) {
                label = "In progress";
                rank = -2;
            } else if (job.state === "done") {
                label = "To sign";
                rank = -1;
            } else if (date && date.toDateString() === today) {
                label = "Today";
                rank = 0;
            } else if (date && date < now) {
                label = "Late";
                rank = -0.5;
            } else if (date) {
                label = date.toLocaleDateString(undefined, {
                    weekday: "long",
                    day: "numeric",
                    month: "short",
                });
                rank = date.getTime();
            }
            if (!groups.has(label)) {
                groups.set(label, {label, rank, jobs: []});
            }
            groups.get(label).jobs.push(job);
        }
        return [...groups.values()].sort((a, b) => a.rank - b.rank);
    }

    scheduledTime(job) {
        const date = toDate(job.scheduled_datetime);
        return date ? date.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}) : "";
    }

    /** The SLA clock that matters now: the response until arrival, then the resolution. */
    sla(job) {
        const arrived = job.arrived_datetime || !["scheduled", "dispatched", "en_route"].includes(job.state);
        const deadline = toDate(arrived ? job.resolution_deadline : job.response_deadline);
        if (!deadline || ["done", "signed"].includes(job.state)) {
            return null;
        }
        const left = deadline.getTime() - this.ui.now;
        return {
            label: arrived ? "Fix" : "Arrive",
            text: left >= 0 ? `in ${formatDuration(left)}` : `${formatDuration(left)} late`,
            late: left < 0,
            soon: left >= 0 && left < 2 * 3600 * 1000,
        };
    }

    reservedParts(job) {
        return (job.requests || []).filter((r) => r.state === "reserved").length;
    }

    open(job) {
        this.ui.jobId = job.id;
        window.scrollTo(0, 0);
    }

    back() {
        this.ui.jobId = null;
    }

    syncNow() {
        return this.store.sync();
    }

    dismissConflicts() {
        return this.store.dismissConflicts();
    }
}

/** The client action of the web client's Workshop menu. */
export class TechnicianAppAction extends Component {
    static template = "workshop_job_card.TechnicianAppAction";
    static components = {TechnicianApp};
    static props = ["*"];

    setup() {
        this.user = user;
    }
}

registry.category("actions").add("workshop_technician_app", TechnicianAppAction);
