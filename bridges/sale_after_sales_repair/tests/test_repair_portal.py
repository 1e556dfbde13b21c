from odoo.tests import HttpCase, tagged

from .common import RepairCommon


@tagged("post_install", "-at_install")
class TestRepairPortal(HttpCase, RepairCommon):
    """The customer sees his repairs in the portal, never the technician's notes."""

    NOTE = "Internal: the customer dropped it, do not tell him"

    def test_customer_portal_shows_repair_entry_without_internal_notes(self):
        repair = self._create_repair(
            self.piece, parts=[(self.product_pump, 1, "add")], notes=f"<p>{self.NOTE}</p>"
        )
        self._do_repair(repair)
        entry = self.env["service.history"].search([("repair_id", "=", repair.id)])

        self.authenticate(self.portal_user.login, self.portal_user.login)
        for url in ("/my/service", f"/my/equipment/{self.piece.id}", entry.access_url):
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200, url)
            self.assertIn(repair.name, page.text, url)
            self.assertNotIn("dropped it", page.text, url)
        page = self.url_open(entry.access_url)
        self.assertIn("Added: 1 Units Water Pump", page.text)
        self.assertIn("under warranty", page.text)

    def test_customer_request_repaired_shows_what_was_done(self):
        case = (
            self.env["service.history"]
            .with_user(self.portal_user)
            ._create_portal_request(
                "repair", "It stopped heating", equipment=self.piece.with_user(self.portal_user)
            )
            .sudo()
        )
        repair = self._create_repair(
            case, parts=[(self.product_pump, 1, "add")], notes=f"<p>{self.NOTE}</p>"
        )
        self._do_repair(repair)
        self.assertEqual(case.case_state, "resolved")

        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(case.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("What we did", page.text)
        self.assertIn("Added: 1 Units Water Pump", page.text)
        self.assertNotIn("dropped it", page.text)
