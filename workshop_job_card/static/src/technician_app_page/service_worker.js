/* eslint-disable no-restricted-globals */
/**
 * The service worker of My Day (/workshop/my-day): the page and every asset it
 * loads are kept, so the app opens with no network. The page is asked from the
 * network first (fresh assets after an update), its copy served when offline;
 * assets (their URLs change with their content) are served from the cache.
 * The JSON-RPC routes are never cached: the app keeps its data in IndexedDB.
 */
const CACHE = "workshop-my-day-v1";
const APP_PATH = "/workshop/my-day";

/** Keep the page and the asset bundles it names (the first visit loaded them
 * before this worker was there to see them). */
async function keepPage(cache, response) {
    const html = await response.clone().text();
    await cache.put(APP_PATH, response);
    const assets = [...html.matchAll(/(?:src|href)="(\/web\/assets\/[^"]+)"/g)].map((m) => m[1]);
    for (const url of assets) {
        if (!(await cache.match(url))) {
            await cache.add(url).catch(() => null);
        }
    }
}

self.addEventListener("install", (event) => {
    event.waitUntil(
        caches
            .open(CACHE)
            .then(async (cache) => {
                const response = await fetch(APP_PATH, {credentials: "same-origin"});
                if (response.ok && !response.redirected) {
                    await keepPage(cache, response);
                }
            })
            .catch(() => null)
    );
    self.skipWaiting();
});

self.addEventListener("activate", (event) => {
    event.waitUntil(self.clients.claim());
});

async function networkFirst(request) {
    const cache = await caches.open(CACHE);
    try {
        const response = await fetch(request);
        if (response.ok && !response.redirected) {
            await keepPage(cache, response.clone());
        }
        return response;
    } catch (error) {
        const cached = await cache.match(APP_PATH);
        if (cached) {
            return cached;
        }
        throw error;
    }
}

async function cacheFirst(request) {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(request);
    if (cached) {
        return cached;
    }
    const response = await fetch(request);
    if (response.ok) {
        await cache.put(request, response.clone());
    }
    return response;
}

self.addEventListener("fetch", (event) => {
    const request = event.request;
    if (request.method !== "GET") {
        return;
    }
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) {
        return;
    }
    if (url.pathname === APP_PATH) {
        event.respondWith(networkFirst(request));
    } else if (
        url.pathname.startsWith("/web/assets/") ||
        url.pathname.startsWith("/web/static/") ||
        /^\/[a-z0-9_]+\/static\//.test(url.pathname) ||
        url.pathname.startsWith("/web/image/")
    ) {
        event.respondWith(cacheFirst(request));
    }
});
