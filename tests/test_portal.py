import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, AfterSalesCommon):
    """The customer's equipment and service pages, as he and an attacker use them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user
        cls._track_equipment(
            cls.product_machine, after_sales_advice="<p>Backflush the group head every week.</p>"
        )
        cls.portal_user = new_test_user(
            cls.env, login="saa_portal", groups="base.group_portal", partner_id=cls.contact_anna.id
        )
        cls.order = cls._create_order(cls.contact_anna, [(cls.product_machine, 1)], confirm=True)
        cls.piece = cls.order.equipment_ids
        cls.piece.serial_number = "BAKERY-SN-1"
        other_order = cls._create_order(
            cls.other_customer, [(cls.product_machine, 1)], confirm=True
        )
        cls.other_piece = other_order.equipment_ids
        cls.other_piece.serial_number = "MARC-SN-9"
        cls.internal_note = cls._create_history(
            cls.customer, summary="Internal: customer pays late", type_id=cls.sale_type.id
        )
        cls.visit = cls._create_history(
            cls.customer,
            summary="Descaled the machine",
            type_id=cls.env.ref("sale_after_sales.history_type_maintenance").id,
            equipment_id=cls.piece.id,
        )

    def _csrf(self, page):
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _form_fields(self, page):
        """The hidden fields of the request form: its CSRF token and its key."""
        return {
            "csrf_token": self._csrf(page),
            "request_key": re.search(r'name="request_key" value="([^"]+)"', page.text).group(1),
        }

    def _send_request(self, files=None, **data):
        """Open the request form (of ``data``'s piece, if any) and send it, as
        the customer's browser does."""
        equipment = data.get("equipment_id")
        form = self.url_open(
            f"/my/service/request?equipment_id={equipment}" if equipment else "/my/service/request"
        )
        return self.url_open(
            "/my/service/request", data={**self._form_fields(form), **data}, files=files
        )

    def test_the_customer_sees_his_equipment_advice_and_visible_history(self):
        self.authenticate("saa_portal", "saa_portal")
        home = self.url_open("/my/home")
        self.assertIn("Equipment &amp; Service", home.text)
        listing = self.url_open("/my/equipment")
        self.assertIn("BAKERY-SN-1", listing.text)
        self.assertNotIn("MARC-SN-9", listing.text, "another customer's equipment")
        page = self.url_open(f"/my/equipment/{self.piece.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Backflush the group head every week.", page.text)
        self.assertIn("Descaled the machine", page.text)
        service = self.url_open("/my/service")
        self.assertIn("Descaled the machine", service.text)
        self.assertNotIn("pays late", service.text, "sales notes never show")

    def test_another_customers_ids_and_tokens_give_nothing(self):
        self.authenticate("saa_portal", "saa_portal")
        for url in (
            f"/my/equipment/{self.other_piece.id}",
            f"/my/service/{self.internal_note.id}",
            f"/my/service/request?equipment_id={self.other_piece.id}",
            "/my/equipment/999999",
        ):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertTrue(page.url.endswith("/my"), f"{url} went to {page.url}")
                self.assertNotIn("MARC-SN-9", page.text)
        marc_case = self._create_history(
            self.other_customer, type_id=self.env.ref("sale_after_sales.history_type_repair").id
        )
        marc_case._portal_ensure_token()
        page = self.url_open(f"/my/service/{marc_case.id}?access_token=forged")
        self.assertTrue(page.url.endswith("/my"))
        # The right token opens it, as a link in an e-mail would.
        self.logout()
        page = self.url_open(f"/my/service/{marc_case.id}?access_token={marc_case.access_token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(marc_case.summary, page.text)

    def test_the_customer_requests_a_repair_and_talks_with_the_service(self):
        self.authenticate("saa_portal", "saa_portal")
        answer = self._send_request(
            equipment_id=self.piece.id,
            kind="repair",
            description="Water under the machine since Monday.",
            files={"attachments": ("leak.txt", b"a photo would be here", "text/plain")},
        )
        self.assertEqual(answer.status_code, 200)
        self.assertIn("Your request is recorded", answer.text)
        case = self.env["service.history"].search([("source", "=", "portal")])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.type_id.code, "repair")
        self.assertEqual(case.case_state, "open")
        self.assertEqual(case.equipment_id, self.piece)
        self.assertEqual(case.order_id, self.order)
        self.assertEqual(case.partner_id, self.contact_anna)
        self.assertEqual(case.owner_id, self.service_user)
        self.assertEqual(case.activity_ids.user_id, self.service_user)
        self.assertIn("Water under the machine", case.description)
        self.assertEqual(
            self.env["ir.attachment"]
            .search([("res_model", "=", "service.history"), ("res_id", "=", case.id)])
            .name,
            "leak.txt",
        )
        # He writes on it from the portal; the service user reads it in the chatter.
        page = self.url_open(f"/my/service/{case.id}")
        self.assertIn("Conversation", page.text)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "service.history",
                "thread_id": case.id,
                "post_data": {"body": "It got worse this morning.", "message_type": "comment"},
            },
        )
        self.assertTrue(case.message_ids.filtered(lambda m: "got worse" in (m.body or "")))

    def test_bad_requests_are_refused_with_a_message(self):
        self.authenticate("saa_portal", "saa_portal")
        answer = self._send_request(kind="hack", description="x")
        self.assertIn("Choose what you need", answer.text)
        answer = self._send_request(kind="question", description="   ")
        self.assertIn("Tell us what happens", answer.text)
        self.assertFalse(self.env["service.history"].search([("source", "=", "portal")]))

    def test_the_customer_creates_entries_through_his_request_only(self):
        """Over RPC, as the portal user: no entry of his own making (a
        maintenance would roll his piece's reminder forward, a sale or a
        rating would pose as the staff's). His request is still his."""
        History = self.env["service.history"].with_user(self.portal_user)
        maintenance = (self.piece.last_maintenance_date, self.piece.next_maintenance_date)
        for code, values in (
            ("maintenance", {"equipment_id": self.piece.id}),
            ("sale", {}),
            ("satisfaction", {"satisfaction": "5"}),
            ("repair", {"source": "portal"}),
        ):
            with self.subTest(code=code), self.assertRaises(AccessError):
                History.create(
                    {
                        "type_id": self.env["service.history.type"]._get_by_code(code).id,
                        "partner_id": self.contact_anna.id,
                        "summary": "Done by myself",
                        "portal_visible": True,
                        **values,
                    }
                )
        self.assertEqual(
            (self.piece.last_maintenance_date, self.piece.next_maintenance_date), maintenance
        )
        case = History._create_portal_request("question", "Which descaler do I use?")
        self.assertEqual(case.env.user, self.portal_user, "returned as his")
        self.assertEqual(case.create_uid, self.portal_user)
        self.assertEqual(case.partner_id, self.contact_anna)
        self.assertEqual((case.source, case.case_state), ("portal", "open"))
        self.assertTrue(case.portal_visible)
        self.assertEqual(case.owner_id, self.service_user)
        self.assertEqual(case.description, "<p>Which descaler do I use?</p>")
        # About another customer's piece: refused as him, nothing created.
        with self.assertRaises(AccessError):
            History._create_portal_request(
                "repair", "Leaks", equipment=self.other_piece.with_user(self.portal_user)
            )
        self.assertEqual(History.search_count([("source", "=", "portal")]), 1)

    def test_the_customer_never_reads_the_service_departments_notes(self):
        """Over RPC he reads his own contact, orders, equipment and follow-ups,
        but not what the staff wrote about them; his order's page still opens."""
        self.contact_anna.commercial_partner_id.service_notes = "<p>Pays late: be firm</p>"
        self.order.handover_note = "<p>Discount promised under the table</p>"
        self.piece.notes = "<p>Dented on delivery, not told</p>"
        plan = self._create_plan("Call", [{"name": "Call"}])
        followup = self.env["service.followup"].create(
            {
                "order_id": self.order.id,
                "plan_id": plan.id,
                "step_id": plan.step_ids.id,
                "trigger": plan.trigger,
                "planned_date": "2026-12-01",
            }
        )
        followup._workflow().write({"feedback": "<p>Rude on the phone</p>", "failure_reason": "x"})
        portal = self.portal_user
        for record, names in (
            (self.contact_anna.commercial_partner_id, ["service_notes", "service_salesperson_id"]),
            (self.order, ["handover_note", "handover_send_back_reason", "handover_result_ids"]),
            (self.piece, ["notes"]),
            (followup, ["feedback", "failure_reason"]),
        ):
            for name in names:
                with self.subTest(model=record._name, field=name), self.assertRaises(AccessError):
                    record.with_user(portal).read([name])
            self.assertTrue(record.with_user(portal).read(["display_name"]), "he reads it")
            self.assertFalse(set(names) & record.with_user(portal).fields_get().keys())
        self.authenticate("saa_portal", "saa_portal")
        page = self.url_open(self.order.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.order.name, page.text)
        self.assertNotIn("under the table", page.text)

    def test_absurd_ids_and_characters_give_a_page_not_an_error(self):
        """Id 0, ids past PostgreSQL's integers, a NUL character pasted in the
        text: a redirection or the request, never a server error."""
        self.authenticate("saa_portal", "saa_portal")
        for url in (
            "/my/equipment/0",
            "/my/equipment/99999999999999999999",
            "/my/service/0",
            "/my/service/request?equipment_id=99999999999999999999",
        ):
            with self.subTest(url=url):
                page = self.url_open(url, allow_redirects=False)
                self.assertEqual(page.status_code, 303)
                self.assertTrue(page.headers["Location"].endswith("/my"))
        answer = self._send_request(kind="repair", description="Le\x00aks")
        self.assertEqual(answer.status_code, 200)
        case = self.env["service.history"].search([("source", "=", "portal")])
        self.assertEqual(case.description, "<p>Leaks</p>")

    def test_a_file_too_large_refuses_the_whole_request(self):
        """The second file is over 10 MB: the customer is told, his text is
        kept in the form, and no case is left without its files (he would send
        it again and the service would get two)."""
        self.authenticate("saa_portal", "saa_portal")
        answer = self._send_request(
            equipment_id=self.piece.id,
            kind="repair",
            description="The steam wand leaks.",
            files=[
                ("attachments", ("note.txt", b"first file", "text/plain")),
                ("attachments", ("video.mp4", b"x" * (10 * 1024 * 1024 + 1), "video/mp4")),
            ],
        )
        self.assertEqual(answer.status_code, 200)
        self.assertIn("video.mp4 is larger than 10 MB.", answer.text)
        self.assertIn("The steam wand leaks.", answer.text)
        self.assertFalse(self.env["service.history"].search([("source", "=", "portal")]))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "service.history"), ("name", "in", ("note.txt", "video.mp4"))]
            )
        )
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "service.history")]),
            "no activity for the service department about a refused request",
        )

    def test_staff_preview_the_customers_page(self):
        action = self.visit.with_user(self.service_user).action_customer_preview()
        self.assertEqual(action["url"], self.visit.get_portal_url())
        action = self.piece.with_user(self.service_user).action_customer_preview()
        self.assertIn(f"/my/equipment/{self.piece.id}", action["url"])

    def test_every_page_opens_in_the_browser(self):
        """Each portal page in headless Chromium, the chatter loaded where
        there is one: its scripts run without an error (the request form's
        interaction among them), and the page is the one asked for."""
        case = (
            self.env["service.history"]
            .with_user(self.portal_user)
            ._create_portal_request("repair", "Leaks", equipment=self.piece)
        )
        check = """
            (async () => {
                for (let tries = 0; tries < 100 && !document.querySelector("#wrap"); tries++) {
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
                if (document.querySelector(".o_portal_chatter")) {
                    // Loaded after the page, by a script of the page's bundle.
                    for (let tries = 0; tries < 100 && !odoo.portalChatterReady; tries++) {
                        await new Promise((resolve) => setTimeout(resolve, 50));
                    }
                    await odoo.portalChatterReady;
                }
                await new Promise((resolve) => setTimeout(resolve, 300));
                if (!document.querySelector("#wrap") || location.pathname !== "%s") {
                    throw new Error(`no page at ${location.pathname}`);
                }
                console.log("test successful");
            })();
        """
        for url in (
            "/my/home",
            "/my/equipment",
            f"/my/equipment/{self.piece.id}",
            "/my/service",
            f"/my/service/{self.visit.id}",
            f"/my/service/{case.id}",
            f"/my/service/request?equipment_id={self.piece.id}",
            f"/my/orders/{self.order.id}",
        ):
            with self.subTest(url=url):
                path = url.partition("?")[0]
                self.browser_js(url, check % path, login="saa_portal", timeout=60)
