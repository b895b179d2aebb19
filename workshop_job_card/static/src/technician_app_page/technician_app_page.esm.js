import {App, whenReady} from "@odoo/owl";
import {TechnicianApp} from "@workshop_job_card/technician_app/technician_app.esm";
import {getTemplate} from "@web/core/templates";

/**
 * My Day on its own page (/workshop/my-day): no web client around it, no
 * service that needs the network to start, so the page opens from the service
 * worker's cache with no network at all.
 */
export async function startTechnicianApp(info) {
    if ("serviceWorker" in navigator) {
        try {
            await navigator.serviceWorker.register(`${info.app_path}/service-worker.js`, {
                scope: info.app_path,
            });
        } catch {
            // no offline cache (e.g. plain http on a LAN): the app still works online
        }
    }
    await whenReady();
    const app = new App(TechnicianApp, {
        getTemplate,
        env: {},
        props: {userId: info.user.id, userName: info.user.name, standalone: true},
        translatableAttributes: ["data-tooltip"],
    });
    window.workshopTechnicianApp = await app.mount(document.body);
    return window.workshopTechnicianApp;
}
