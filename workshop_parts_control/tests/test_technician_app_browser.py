import json
import time
import unittest
import urllib.request

import websocket

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import PartsCommon


class TechnicianAppBrowserCommon(PartsCommon):
    """A technician with a van holding a part with a barcode, and a job
    dispatched to him today at a site with coordinates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.workshop_auto_invoice_on_sign = False
        cls.van = cls._van()
        cls.seal = cls._part(
            "Water pump seal",
            3,
            cls.van,
            sale_ok=True,
            list_price=18.0,
            barcode="2009990000777",
        )
        cls.phone_customer = cls.env["res.partner"].create(
            {
                "name": "Phone Tour Garage",
                "is_company": True,
                "street": "2 Harbour Lane",
                "city": "Hull",
                "partner_latitude": 53.7457,
                "partner_longitude": -0.3367,
            }
        )
        cls.phone_job = cls._create_job(
            partner_id=cls.phone_customer.id,
            scheduled_datetime=fields.Datetime.now(),
            technician_ids=[Command.set(cls.technician.ids)],
            office_note="Gate code 4711",
        )
        cls.phone_job.action_schedule()
        cls.phone_job.action_dispatch()


@tagged("post_install", "-at_install")
class TestTechnicianAppTour(HttpCase, TechnicianAppBrowserCommon):
    """My Day's full day online on a phone viewport
    (static/tests/tours/technician_app_tour.esm.js)."""

    browser_size = "390x844"
    touch_enabled = True

    def test_full_day_on_a_phone_ends_ready_to_invoice(self):
        try:
            self.start_tour(
                "/odoo/action-workshop_job_card.workshop_technician_app_action",
                "workshop_technician_app_tour",
                login="ws_tech",
                timeout=240,
            )
        except unittest.SkipTest as skip:
            self.fail(f"The browser tour could not run: {skip}")
        job = self.phone_job
        self.assertEqual(job.state, "signed")
        self.assertEqual(job.signed_by, "Pat Customer")
        self.assertTrue(job.signature)
        self.assertIn("water pump seal", job.resolution.lower())
        self.assertEqual(len(job.timelog_ids), 1)
        self.assertTrue(job.timelog_ids.client_uuid)
        self.assertEqual(len(job.photo_ids), 1)
        part = job.line_ids.filtered(lambda line: line.product_id == self.seal)
        self.assertEqual(part.quantity, 1)
        self.assertEqual(self._on_hand(self.seal, self.van), 2)
        self.assertEqual(job.invoice_status, "to_invoice")
        self.assertEqual(
            job.stage_log_ids.sorted("id").mapped("to_state"),
            [
                "draft",
                "scheduled",
                "dispatched",
                "en_route",
                "on_site",
                "done",
                "signed",
            ],
        )


@tagged("post_install", "-at_install")
class TestTechnicianAppOffline(HttpCase, TechnicianAppBrowserCommon):
    """My Day with no network, driven through the DevTools protocol: work is
    captured offline, survives a reload from the service worker's cache and
    syncs once, exactly once, when the network returns."""

    browser_size = "390x844"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_job = cls._create_job(
            partner_id=cls.phone_customer.id,
            scheduled_datetime=fields.Datetime.now(),
            technician_ids=[Command.set(cls.technician.ids)],
        )
        cls.other_job.action_schedule()
        cls.other_job.action_dispatch()

    # DevTools helpers --------------------------------------------------
    def _eval(self, expression, timeout=30):
        res = self.browser._websocket_request(
            "Runtime.evaluate",
            params={
                "expression": expression,
                "awaitPromise": True,
                "returnByValue": True,
            },
            timeout=timeout,
        )
        if res.get("exceptionDetails"):
            self.fail(f"{expression}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def _wait(self, expression, timeout=30, message=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._eval(f"!!({expression})"):
                return
            time.sleep(0.25)
        html = self._eval("document.body.innerText")
        self.fail(f"{message or expression} (page: {html[:1500]})")

    def _click(self, selector):
        self._wait(f"document.querySelector({selector!r})", message=f"no {selector}")
        self._eval(f"document.querySelector({selector!r}).click()")

    def _step(self, step):
        self._click(f".o_workshop_app_next[data-step={step}]:enabled")

    def _set_offline(self, offline):
        """Network off (or on) for the page and for its service worker, which
        fetches on its own behalf."""
        conditions = {
            "offline": offline,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        }
        self.browser._websocket_request("Network.enable")
        self.browser._websocket_request(
            "Network.emulateNetworkConditions", params=conditions
        )
        with urllib.request.urlopen(
            f"http://127.0.0.1:{self.browser.devtools_port}/json/version"
        ) as response:
            ws_url = json.loads(response.read())["webSocketDebuggerUrl"]
        ws = websocket.create_connection(ws_url, timeout=10)
        try:
            ids = iter(range(1, 1000))

            def call(method, params=None, session=None):
                msg_id = next(ids)
                payload = {"id": msg_id, "method": method, "params": params or {}}
                if session:
                    payload["sessionId"] = session
                ws.send(json.dumps(payload))
                while True:
                    answer = json.loads(ws.recv())
                    if answer.get("id") == msg_id:
                        return answer.get("result", {})

            workers = [
                target
                for target in call("Target.getTargets")["targetInfos"]
                if target["type"] == "service_worker"
            ]
            self.assertTrue(workers, "the page has its service worker")
            for target in workers:
                session = call(
                    "Target.attachToTarget",
                    {"targetId": target["targetId"], "flatten": True},
                )["sessionId"]
                call("Network.enable", session=session)
                call("Network.emulateNetworkConditions", conditions, session=session)
        finally:
            ws.close()

    def _outbox(self):
        return self._eval("window.workshopTechnicianApp.store.state.outbox.length")

    def _draw_signature(self):
        self._eval(
            """(() => {
            const canvas = document.querySelector('.o_workshop_app_signature_canvas');
            const r = canvas.getBoundingClientRect();
            const ev = (type, x, y) => canvas.dispatchEvent(new PointerEvent(type,
                {clientX: r.left + x, clientY: r.top + y, bubbles: true,
                 pointerId: 1}));
            ev('pointerdown', 20, 40);
            for (let x = 30; x < 200; x += 10) { ev('pointermove', x, 40 + (x % 30)); }
            ev('pointerup', 200, 60);
        })()"""
        )

    def _type(self, selector, text):
        self._wait(f"document.querySelector({selector!r})")
        self._eval(
            f"""(() => {{ const el = document.querySelector({selector!r});
            el.value = {text!r};
            el.dispatchEvent(new Event('input', {{bubbles: true}})); }})()"""
        )

    # the test ----------------------------------------------------------
    def test_offline_day_survives_a_reload_and_syncs_exactly_once(self):
        job, other = self.phone_job, self.other_job
        self.browser = ChromeBrowser(self, headless=True, success_signal="-")
        try:
            self.authenticate("ws_tech", "ws_tech", browser=self.browser)
            self.cr.flush()
            self.cr.clear()
            self.browser._websocket_request(
                "Browser.grantPermissions",
                params={"origin": self.base_url(), "permissions": ["geolocation"]},
            )
            self.browser._websocket_request(
                "Emulation.setGeolocationOverride",
                params={"latitude": 53.7459, "longitude": -0.3371, "accuracy": 12},
            )
            self.browser.navigate_to(f"{self.base_url()}/workshop/my-day", True)
            self._wait("document.querySelector('.o_workshop_app_card')")
            # the service worker takes the page and keeps the app
            self._wait("navigator.serviceWorker.controller", timeout=20)
            self._wait(
                "caches.open('workshop-my-day-v1').then(c => c.keys())"
                ".then(keys => keys.length >= 3)",
                message="the app's page and assets are in the cache",
            )

            self._set_offline(True)
            self._wait("!navigator.onLine")
            self._click(f".o_workshop_app_card[data-job='{other.name}']")
            self._step("start_travel")
            self._wait(
                "document.querySelector('.o_workshop_app_next[data-step=arrive]')"
            )
            self._click(".o_workshop_app_back")
            self._click(f".o_workshop_app_card[data-job='{job.name}']")
            self._step("start_travel")
            self._step("arrive")
            self._step("timer_start")
            self._wait("document.querySelector('.o_workshop_app_timer')")
            time.sleep(1.2)
            self._step("timer_stop")
            self._click(".o_workshop_app_van_use")
            self._eval(
                f"""(() => {{
                const input = document.querySelector('.o_workshop_app_photo_input');
                const bytes = Uint8Array.from(
                    atob({self._signature()!r}), c => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File([bytes], 'leak.png', {{type: 'image/png'}}));
                input.files = transfer.files;
                input.dispatchEvent(new Event('change', {{bubbles: true}}));
            }})()"""
            )
            self._wait("document.querySelector('img.o_workshop_app_photo')")
            self._type("textarea.o_workshop_app_resolution", "Seal replaced offline.")
            self._step("done")
            self._step("sign_open")
            self._wait("document.querySelector('.o_workshop_app_signature_canvas')")
            self._draw_signature()
            self._type("input.o_workshop_app_signer", "Olive Offline")
            self._click(".o_workshop_app_confirm_sign:enabled")
            self._wait("document.querySelector('.o_workshop_app_signed')")
            waiting = self._outbox()
            # travel (other job); travel, arrive, timer start/stop, part,
            # photo, resolution, done, sign
            self.assertEqual(waiting, 10)
            self._wait(
                f"document.querySelector('.o_workshop_app_outbox_count[data-count=\"{waiting}\"]')"
            )
            outbox = self._eval(
                "JSON.parse(JSON.stringify(window.workshopTechnicianApp.store.state.outbox))"
            )
            # the test lock: no request of the page (or of its service worker)
            # uses the shared test cursor while this thread does
            with self.env.registry.test_lock:
                self.env.invalidate_all()
                self.assertFalse(job.timelog_ids, "nothing reached the server offline")
                self.assertEqual(job.state, "dispatched")

            # reload with no network: the page comes from the cache, the
            # outbox from IndexedDB
            self.browser._websocket_request(
                "Page.reload", params={"ignoreCache": False}
            )
            self._wait(
                f"document.querySelector('.o_workshop_app_outbox_count[data-count=\"{waiting}\"]')",
                message="the app opens offline with its outbox",
            )
            self._wait(
                "document.querySelector('.o_workshop_app_net').innerText.includes('Offline')"
            )

            # meanwhile the office cancels the other job
            with self.env.registry.test_lock:
                other.action_cancel()
                self.cr.flush()
            self._set_offline(False)
            self._click(".o_workshop_app_sync")
            self._wait(
                "document.querySelector('.o_workshop_app_outbox_count[data-count=\"0\"]')",
                message="the outbox syncs when the network returns",
            )
            self._wait(
                "document.querySelector('.o_workshop_app_conflict')",
                message="the cancelled job's travel is shown as not applied",
            )
            conflict = self._eval(
                "document.querySelector('.o_workshop_app_conflict').innerText"
            )
            self.assertIn(other.name, conflict)
            self.assertIn("cancelled", conflict)
        finally:
            self.browser.stop()

        self.env.invalidate_all()
        self.assertEqual(job.state, "signed")
        self.assertEqual(job.signed_by, "Olive Offline")
        self.assertTrue(job.signature)
        self.assertEqual(len(job.timelog_ids), 1)
        self.assertEqual(len(job.photo_ids), 1)
        moves = self.env["stock.move"].search(
            [
                ("workshop_client_uuid", "!=", False),
                ("picking_id.workshop_job_id", "=", job.id),
            ]
        )
        self.assertEqual(len(moves), 1)
        self.assertEqual(self._on_hand(self.seal, self.van), 2)
        arrival = job.stage_log_ids.filtered(lambda log: log.to_state == "on_site")
        self.assertTrue(arrival.has_position)
        self.assertLess(job.arrival_distance_km, 0.5)
        self.assertEqual(other.state, "cancelled")
        self.assertFalse(
            other.stage_log_ids.filtered(lambda log: log.to_state == "en_route")
        )

        # the same outbox once more: nothing new
        before = (
            len(job.timelog_ids),
            len(job.photo_ids),
            len(job.stage_log_ids),
            len(job.line_ids),
            self._on_hand(self.seal, self.van),
        )
        self.authenticate("ws_tech", "ws_tech")
        results = self.make_jsonrpc_request(
            "/workshop/technician_app/sync", {"actions": outbox}
        )["results"]
        self.assertNotIn(
            "applied",
            {r["status"] for r in results if r["uuid"] != outbox[7]["uuid"]},
            results,
        )
        self.env.invalidate_all()
        self.assertEqual(
            before,
            (
                len(job.timelog_ids),
                len(job.photo_ids),
                len(job.stage_log_ids),
                len(job.line_ids),
                self._on_hand(self.seal, self.van),
            ),
        )
