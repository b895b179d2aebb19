import {Component, useState} from "@odoo/owl";
import {SignaturePad} from "./signature_pad.esm";
import {registry} from "@web/core/registry";

/** Sections other addons add to the job screen (workshop_parts_control: van parts). */
export const jobSections = registry.category("workshop_technician_app.job_sections");

const POSITION_TIMEOUT_MS = 8000;
const PHOTO_MAX_SIDE = 1280;

/** The device position, or null when refused, unavailable or too slow. */
export function getPosition() {
    return new Promise((resolve) => {
        if (!navigator.geolocation) {
            resolve(null);
            return;
        }
        const timer = setTimeout(() => resolve(null), POSITION_TIMEOUT_MS + 500);
        navigator.geolocation.getCurrentPosition(
            (pos) => {
                clearTimeout(timer);
                resolve({
                    latitude: pos.coords.latitude,
                    longitude: pos.coords.longitude,
                    accuracy: pos.coords.accuracy,
                    time: new Date(pos.timestamp).toISOString(),
                });
            },
            () => {
                clearTimeout(timer);
                resolve(null);
            },
            {enableHighAccuracy: true, timeout: POSITION_TIMEOUT_MS, maximumAge: 60000}
        );
    });
}

export function escapeHtml(text) {
    return text
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;");
}

/** Plain text typed on the phone as the HTML of a job's text field. */
export function textToHtml(text) {
    return text
        .split(/\n{2,}/)
        .map((para) => `<p>${escapeHtml(para).replace(/\n/g, "<br>")}</p>`)
        .join("");
}

/** A photo from the camera, made small enough to keep and send. */
export function resizePhoto(file) {
    return new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onerror = () => reject(reader.error);
        reader.onload = () => {
            const img = new Image();
            img.onerror = () => resolve(reader.result);
            img.onload = () => {
                const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(img.width, img.height));
                const canvas = document.createElement("canvas");
                canvas.width = Math.max(1, Math.round(img.width * scale));
                canvas.height = Math.max(1, Math.round(img.height * scale));
                canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
                resolve(canvas.toDataURL("image/jpeg", 0.8));
            };
            img.src = reader.result;
        };
        reader.readAsDataURL(file);
    });
}

export class TechnicianJob extends Component {
    static template = "workshop_job_card.TechnicianJob";
    static components = {SignaturePad};
    static props = {
        job: Object,
        store: Object,
        now: Number,
        back: Function,
        mapsUrl: Function,
        stateLabels: Object,
        sla: Function,
    };

    setup() {
        this.ui = useState({
            busy: false,
            message: "",
            diagnosis: this.props.job.diagnosis || "",
            resolution: this.props.job.resolution || "",
            signedBy: "",
            signature: null,
            signing: false,
        });
    }

    get job() {
        return this.props.job;
    }

    get sections() {
        return jobSections.getAll();
    }

    get runningLog() {
        return this.job.timelogs.find((log) => !log.stop_datetime);
    }

    get hasWork() {
        return (
            this.job.lines.some((line) => line.kind !== "section" && line.kind !== "note") ||
            this.job.timelogs.some((log) => log.stop_datetime)
        );
    }

    /** The one next step, and the other moves allowed now (small buttons). */
    get steps() {
        const job = this.job;
        const running = this.runningLog;
        switch (job.state) {
            case "dispatched":
                return {next: ["start_travel", "Start travel"], others: [["arrive", "Arrived"]]};
            case "en_route":
                return {next: ["arrive", "Arrived"], others: []};
            case "on_site":
                if (running) {
                    return {next: ["timer_stop", "Stop timer"], others: []};
                }
                if (!job.timelogs.length) {
                    return {
                        next: ["timer_start", "Start timer"],
                        others: [["wait_parts", "Waiting for parts"]],
                    };
                }
                return {
                    next: ["done", "Done"],
                    others: [
                        ["timer_start", "Start timer"],
                        ["wait_parts", "Waiting for parts"],
                    ],
                };
            case "waiting_parts":
                return {next: ["resume", "Resume"], others: []};
            case "done":
                return {next: ["sign_open", "Customer sign-off"], others: []};
            default:
                return {next: null, others: []};
        }
    }

    elapsed(log) {
        const start = new Date(log.start_datetime.replace(" ", "T") + "Z").getTime();
        const stop = log.stop_datetime
            ? new Date(log.stop_datetime.replace(" ", "T") + "Z").getTime()
            : this.props.now;
        const seconds = Math.max(0, Math.floor((stop - start) / 1000));
        const pad = (n) => String(n).padStart(2, "0");
        return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
    }

    localTime(value) {
        const date = value ? new Date(value.replace(" ", "T") + "Z") : null;
        return date ? date.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}) : "";
    }

    async step(name) {
        if (this.ui.busy) {
            return;
        }
        this.ui.message = "";
        const store = this.props.store;
        const job = this.job;
        const now = new Date().toISOString();
        if (name === "sign_open") {
            this.ui.signing = true;
            return;
        }
        if (name === "done") {
            if (!this.ui.resolution.trim() && !(job.resolution || "").trim()) {
                this.ui.message = "Write what was done (resolution) before closing the job.";
                return;
            }
            if (!this.hasWork) {
                this.ui.message = "Log your time or a part before closing the job.";
                return;
            }
            if (this.ui.resolution.trim() !== (job.resolution || "").trim()) {
                await this.saveText("resolution");
            }
        }
        this.ui.busy = true;
        try {
            if (name === "timer_start") {
                await store.queue("timer_start", job.id, {start: now});
            } else if (name === "timer_stop") {
                const log = this.runningLog;
                await store.queue("timer_stop", job.id, {
                    timer_uuid: log.client_uuid || false,
                    timelog_id: log.id || false,
                    stop: now,
                });
            } else if (name === "start_travel" || name === "arrive") {
                // a refused or missing position never blocks the step
                const position = await getPosition();
                await store.queue(name, job.id, {position});
            } else {
                await store.queue(name, job.id);
            }
        } finally {
            this.ui.busy = false;
        }
    }

    async saveText(fname) {
        const text = this.ui[fname].trim();
        await this.props.store.queue("update", this.job.id, {
            vals: {[fname]: text ? textToHtml(text) : false},
        });
        this.ui.message = "Saved.";
    }

    async onPhoto(ev) {
        const files = [...ev.target.files];
        ev.target.value = "";
        for (const file of files) {
            const data = await resizePhoto(file);
            await this.props.store.queue("photo", this.job.id, {
                name: file.name || "photo.jpg",
                data,
            });
        }
    }

    onSignature(dataUrl) {
        this.ui.signature = dataUrl;
    }

    async confirmSign() {
        if (!this.ui.signature || !this.ui.signedBy.trim()) {
            this.ui.message = "The customer signs and writes their name.";
            return;
        }
        await this.props.store.queue("sign", this.job.id, {
            signature: this.ui.signature,
            signed_by: this.ui.signedBy.trim(),
        });
        this.ui.signing = false;
    }
}
