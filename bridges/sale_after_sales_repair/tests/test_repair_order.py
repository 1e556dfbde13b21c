from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import RepairCommon


@tagged("post_install", "-at_install")
class TestRepairOrder(RepairCommon):
    """*Create Repair* on a piece and on a case opens the repair order filled in."""

    def test_create_repair_on_piece_fills_customer_product_serial_and_warranty(self):
        form = self._repair_form(self.piece)
        self.assertEqual(form.partner_id, self.contact_anna)
        self.assertEqual(form.product_id, self.product_machine)
        self.assertEqual(form.lot_id, self.lot, "the lot of the piece's serial number")
        self.assertTrue(form.under_warranty, "bought two months ago, 24 months of warranty")
        self.assertEqual(form.service_equipment_id, self.piece)
        repair = form.save()
        self.assertEqual(repair.service_equipment_id, self.piece)
        self.assertEqual(self.piece.with_user(self.technician).repair_count, 1)
        action = self.piece.with_user(self.technician).action_view_repairs()
        self.assertEqual(self.env["repair.order"].search(action["domain"]), repair)

    def test_create_repair_on_piece_out_of_warranty_is_not_under_warranty(self):
        self.assertEqual(self.old_piece.warranty_state, "expired")
        form = self._repair_form(self.old_piece)
        self.assertEqual(form.partner_id, self.contact_bob)
        self.assertEqual(form.product_id, self.product_grinder)
        self.assertFalse(form.lot_id, "no lot in Inventory for this serial number")
        self.assertFalse(form.under_warranty)

    def test_create_repair_on_piece_without_warranty_is_not_under_warranty(self):
        self.old_piece.warranty_months = 0
        self.assertEqual(self.old_piece.warranty_state, "none")
        self.assertFalse(self._repair_form(self.old_piece).under_warranty)

    def test_create_repair_on_case_links_case_and_its_piece(self):
        case = self._create_case(self.piece, description="<p>Water under the machine</p>")
        form = self._repair_form(case)
        self.assertEqual(form.service_case_id, case)
        self.assertEqual(form.service_equipment_id, self.piece)
        self.assertEqual(form.lot_id, self.lot)
        self.assertTrue(form.under_warranty)
        self.assertIn("Water under the machine", str(form.internal_notes))
        repair = form.save()
        self.assertEqual(case.case_state, "in_progress", "the repair answers it")
        self.assertEqual(case.owner_id, self.technician, "it had no owner: who made the repair")
        self.assertEqual(case.with_user(self.technician).repair_count, 1)
        action = case.with_user(self.technician).action_view_repairs()
        self.assertEqual(self.env["repair.order"].search(action["domain"]), repair)
        # From the repair, back to the piece and the case.
        self.assertEqual(repair.action_view_service_equipment()["res_id"], self.piece.id)
        self.assertEqual(repair.action_view_service_case()["res_id"], case.id)

    def test_create_repair_on_case_without_piece_fills_customer(self):
        case = self._create_case(summary="Broken cup warmer")
        form = self._repair_form(case)
        self.assertEqual(form.partner_id, self.customer)
        self.assertFalse(form.service_equipment_id)
        self.assertEqual(form.service_case_id, case)

    def test_portal_repair_request_becomes_a_repair_order_from_its_case(self):
        self.company.handover_default_user_id = self.service_user  # the requests' owner
        portal = self.portal_user
        case = (
            self.env["service.history"]
            .with_user(portal)
            ._create_portal_request(
                "repair", "It stopped heating", equipment=self.piece.with_user(portal)
            )
        ).with_user(self.technician)
        self.assertEqual(case.type_code, "repair")
        self.assertEqual(case.case_state, "open")
        form = self._repair_form(case)
        self.assertEqual(form.service_case_id, case)
        self.assertEqual(form.service_equipment_id, self.piece)
        self.assertIn("It stopped heating", str(form.internal_notes))
        owner = case.owner_id
        form.save()
        self.assertEqual(case.case_state, "in_progress")
        self.assertEqual(case.owner_id, owner, "its owner keeps it")

    def test_create_repair_refused_on_entry_that_is_no_open_case(self):
        visit = self._create_history(
            self.customer, type_id=self.env.ref("sale_after_sales.history_type_maintenance").id
        )
        with self.assertRaisesText(UserError, "answers an open case"):
            visit.with_user(self.technician).action_create_repair()
        case = self._create_case(self.piece, resolution="<p>Tightened</p>")
        case.action_case_resolve()
        with self.assertRaisesText(UserError, "answers an open case"):
            case.with_user(self.technician).action_create_repair()

    def test_piece_chosen_on_a_repair_fills_it_in(self):
        form = Form(self.env["repair.order"].with_user(self.technician))
        form.service_equipment_id = self.piece
        self.assertEqual(form.partner_id, self.contact_anna)
        self.assertEqual(form.product_id, self.product_machine)
        self.assertEqual(form.lot_id, self.lot)
        self.assertTrue(form.under_warranty)
        form.service_equipment_id = self.old_piece
        self.assertEqual(form.partner_id, self.contact_bob)
        self.assertEqual(form.product_id, self.product_grinder)
        self.assertFalse(form.under_warranty, "its warranty expired")
        self.assertEqual(form.save().service_equipment_id, self.old_piece)

    def test_repair_of_a_serial_number_finds_its_piece(self):
        """A repair made in the Repair app, of a serial number a customer owns,
        is about his piece (its history gets the repair)."""
        repair = self.env["repair.order"].create(
            {
                "partner_id": self.contact_anna.id,
                "product_id": self.product_machine.id,
                "lot_id": self.lot.id,
            }
        )
        self.assertEqual(repair.service_equipment_id, self.piece)
        repair.product_id = self.product_grinder
        self.assertFalse(repair.service_equipment_id, "another product: not this piece")
