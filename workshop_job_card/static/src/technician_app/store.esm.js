import {reactive} from "@odoo/owl";
import {registry} from "@web/core/registry";

/**
 * The technician app's memory: the day (jobs, and what other addons keep, such
 * as the van stock) and the outbox, both in IndexedDB so that the app opens and
 * works with no network. Every action is queued with a UUID made here and the
 * device's time, applied at once to the local copy of the day, and sent to the
 * server's sync route (in order, in one request) whenever the network is there.
 */

const DB_NAME = "workshop_technician_app";
const STORE = "kv";
const DAY_URL = "/workshop/technician_app/day";
const SYNC_URL = "/workshop/technician_app/sync";
const RETRY_MS = 30000;

/** Local effects of an action on the day, by action type (other addons add theirs). */
export const localEffects = registry.category("workshop_technician_app.local_effects");

export function newUuid() {
    if (window.crypto && window.crypto.randomUUID) {
        return window.crypto.randomUUID();
    }
    // Insecure contexts (plain http on a LAN) have no randomUUID
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The server's UTC "YYYY-MM-DD HH:MM:SS" for a device time. */
export function serverDatetime(iso) {
    return iso.replace("T", " ").slice(0, 19);
}

class KeyValueDB {
    constructor() {
        this.ready = null;
    }
    open() {
        if (!this.ready) {
            this.ready = new Promise((resolve, reject) => {
                if (!window.indexedDB) {
                    reject(new Error("no IndexedDB"));
                    return;
                }
                const request = window.indexedDB.open(DB_NAME, 1);
                request.onupgradeneeded = () => request.result.createObjectStore(STORE);
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            });
        }
        return this.ready;
    }
    async get(key) {
        const db = await this.open();
        return new Promise((resolve, reject) => {
            const request = db.transaction(STORE).objectStore(STORE).get(key);
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        });
    }
    async set(values) {
        const db = await this.open();
        return new Promise((resolve, reject) => {
            const tx = db.transaction(STORE, "readwrite");
            for (const [key, value] of Object.entries(values)) {
                tx.objectStore(STORE).put(JSON.parse(JSON.stringify(value)), key);
            }
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
        });
    }
}

export class NetworkError extends Error {}
export class ServerError extends Error {}

async function jsonRpc(url, params) {
    let response = null;
    try {
        response = await fetch(url, {
            method: "POST",
            headers: {"Content-Type": "application/json"},
            credentials: "same-origin",
            body: JSON.stringify({jsonrpc: "2.0", method: "call", params, id: Date.now()}),
        });
    } catch (error) {
        throw new NetworkError(error.message);
    }
    if (!response.ok) {
        // a proxy or captive portal answering for the server: not the server
        throw new NetworkError(`HTTP ${response.status}`);
    }
    const body = await response.json();
    if (body.error) {
        const data = body.error.data || {};
        throw new ServerError(data.message || body.error.message);
    }
    return body.result;
}

export class TechnicianStore {
    constructor(userId) {
        this.userId = userId;
        this.db = new KeyValueDB();
        this.state = reactive({
            loaded: false,
            day: {jobs: []},
            outbox: [],
            conflicts: [],
            online: navigator.onLine,
            syncing: false,
            lastSync: null,
            error: null,
            fromCache: false,
        });
        this._syncing = null;
        this._onOnline = () => {
            this.state.online = true;
            this.sync();
        };
        this._onOffline = () => {
            this.state.online = false;
        };
    }

    start() {
        window.addEventListener("online", this._onOnline);
        window.addEventListener("offline", this._onOffline);
        this._timer = setInterval(() => this.state.outbox.length && this.sync(), RETRY_MS);
        return this.load();
    }

    stop() {
        window.removeEventListener("online", this._onOnline);
        window.removeEventListener("offline", this._onOffline);
        clearInterval(this._timer);
    }

    key(name) {
        return `${name}:${this.userId}`;
    }

    /** Open from the device, then ask the server for the day (and send what waits). */
    async load() {
        try {
            const [day, outbox, conflicts] = await Promise.all([
                this.db.get(this.key("day")),
                this.db.get(this.key("outbox")),
                this.db.get(this.key("conflicts")),
            ]);
            this.state.outbox = outbox || [];
            this.state.conflicts = conflicts || [];
            if (day) {
                this.state.day = this.withPending(day);
                this.state.fromCache = true;
            }
        } catch (error) {
            this.state.error = error.message;
        }
        this.state.loaded = true;
        // the cached day shows at once; the server's follows
        this.sync();
        return this.state;
    }

    async persist() {
        await this.db.set({
            [this.key("outbox")]: this.state.outbox,
            [this.key("conflicts")]: this.state.conflicts,
            [this.key("server_day")]: this.serverDay || null,
            [this.key("day")]: this.serverDay || this.state.day,
        });
    }

    /** The server's day with the actions still waiting applied on top. */
    withPending(serverDay) {
        this.serverDay = serverDay;
        const day = JSON.parse(JSON.stringify(serverDay));
        for (const action of this.state.outbox) {
            applyLocal(day, action);
        }
        return day;
    }

    getJob(jobId) {
        return this.state.day.jobs.find((job) => job.id === jobId);
    }

    /** Queue an action taken on the phone and send it when possible. */
    async queue(type, jobId, values = {}) {
        const action = {
            uuid: newUuid(),
            type,
            job_id: jobId,
            device_time: new Date().toISOString(),
            ...values,
        };
        this.state.outbox.push(action);
        applyLocal(this.state.day, action);
        await this.persist();
        this.sync();
        return action;
    }

    /** Send the outbox (one request), then read the day again. */
    sync() {
        if (this._syncing) {
            // what was queued meanwhile goes in the next request
            this._again = true;
            return this._syncing;
        }
        this._syncing = this._sync().finally(() => {
            this._syncing = null;
            if (this._again) {
                this._again = false;
                this.sync();
            }
        });
        return this._syncing;
    }

    async _sync() {
        this.state.syncing = true;
        try {
            const sent = [...this.state.outbox];
            if (sent.length) {
                const {results} = await jsonRpc(SYNC_URL, {actions: sent});
                const done = new Set();
                for (const [index, result] of results.entries()) {
                    const action = sent[index];
                    done.add(action.uuid);
                    if (result.status === "conflict") {
                        this.state.conflicts.push({
                            uuid: action.uuid,
                            type: action.type,
                            job_id: action.job_id,
                            job_name: (this.getJob(action.job_id) || {}).name || "",
                            device_time: action.device_time,
                            message: result.message,
                        });
                    }
                }
                this.state.outbox = this.state.outbox.filter((a) => !done.has(a.uuid));
            }
            const day = await jsonRpc(DAY_URL, {});
            this.state.day = this.withPending(day);
            this.state.fromCache = false;
            this.state.online = true;
            this.state.error = null;
            this.state.lastSync = new Date().toISOString();
        } catch (error) {
            if (error instanceof NetworkError) {
                this.state.online = false;
            } else {
                this.state.error = error.message;
            }
        } finally {
            this.state.syncing = false;
            await this.persist();
        }
    }

    async dismissConflicts() {
        this.state.conflicts = [];
        await this.persist();
    }
}

/** What an action does to the local copy of the day, before the server says. */
export function applyLocal(day, action) {
    const job = day.jobs.find((j) => j.id === action.job_id);
    if (!job) {
        return;
    }
    job.pending = (job.pending || 0) + 1;
    const effect = localEffects.get(action.type, null);
    if (effect) {
        effect(job, action, day);
    }
}

const STATE_AFTER = {
    start_travel: "en_route",
    arrive: "on_site",
    wait_parts: "waiting_parts",
    resume: "on_site",
    done: "done",
    sign: "signed",
};
for (const [type, state] of Object.entries(STATE_AFTER)) {
    localEffects.add(type, (job, action) => {
        job.state = state;
        if (type === "done") {
            for (const log of job.timelogs) {
                log.stop_datetime = log.stop_datetime || serverDatetime(action.device_time);
            }
        }
        if (type === "sign") {
            job.signed_by = action.signed_by;
        }
    });
}
localEffects.add("timer_start", (job, action) => {
    job.timelogs.push({
        id: false,
        client_uuid: action.uuid,
        start_datetime: serverDatetime(action.start),
        stop_datetime: false,
    });
});
localEffects.add("timer_stop", (job, action) => {
    const log = job.timelogs.find(
        (l) =>
            (action.timer_uuid && l.client_uuid === action.timer_uuid) ||
            (action.timelog_id && l.id === action.timelog_id)
    );
    if (log) {
        log.stop_datetime = serverDatetime(action.stop);
    }
});
localEffects.add("photo", (job, action) => {
    job.local_photos = [...(job.local_photos || []), {uuid: action.uuid, data: action.data}];
});
localEffects.add("update", (job, action) => {
    for (const [fname, value] of Object.entries(action.vals || {})) {
        job[fname] = typeof value === "string" ? value.replace(/<[^>]*>/g, "") : value;
    }
});
localEffects.add("add_line", (job, action) => {
    job.lines.push({id: false, client_uuid: action.uuid, ...action.vals, pending: true});
});
