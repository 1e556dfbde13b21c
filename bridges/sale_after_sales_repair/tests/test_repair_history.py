from unittest.mock import patch

from odoo.tests import tagged

from .common import RepairCommon


@tagged("post_install", "-at_install")
class TestRepairHistory(RepairCommon):
    """A repair done writes a Repair entry into the service history, and
    resolves the case it was the last open repair of."""

    def _entries(self, repairs):
        return self.env["service.history"].search([("repair_id", "in", repairs.ids)])

    def test_repair_done_writes_repair_entry_on_customer_and_piece(self):
        repair = self._create_repair(
            self.piece,
            parts=[(self.product_pump, 1, "add"), (self.product_gasket, 2, "remove")],
            notes="<p>Customer descales with vinegar: scale everywhere</p>",
        )
        self.assertFalse(self._entries(repair), "nothing written before the repair is done")
        self._do_repair(repair.with_user(self.technician))

        entry = self._entries(repair)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.type_id, self.repair_type)
        self.assertTrue(entry.portal_visible, "the customer sees his repairs")
        self.assertEqual(entry.partner_id, self.contact_anna)
        self.assertEqual(entry.commercial_partner_id, self.customer)
        self.assertEqual(entry.equipment_id, self.piece)
        self.assertEqual(entry.product_id, self.product_machine)
        self.assertEqual(entry.user_id, self.technician, "the repair's responsible")
        self.assertEqual(entry.create_uid, self.technician)
        self.assertIn(repair.name, entry.summary)
        self.assertIn("Espresso Machine", entry.summary)
        description = str(entry.description)
        self.assertIn("BAKERY-SN-1", description)
        self.assertIn("under warranty", description)
        self.assertIn("Added: 1 Units Water Pump", description)
        self.assertIn("Removed: 2 Units Group Gasket", description)
        self.assertNotIn("vinegar", description, "the internal notes are not the customer's")
        self.assertIn("vinegar", str(entry.repair_internal_notes))
        self.assertFalse(entry.repair_case_id)
        # A record of work done, not a case to handle: no state, no deadline,
        # not in the open cases nor in the case analysis.
        self.assertFalse(entry.case_state)
        self.assertFalse(entry.deadline)
        self.assertFalse(
            self.env["service.case.report"].search([("case_id", "=", entry.id)]),
        )
        # On the piece's Service History tab and the customer's history.
        self.assertIn(entry, self.piece.history_ids)
        self.assertIn(
            entry,
            self.env["service.history"].search(
                [("commercial_partner_id", "=", self.customer.id), ("type_id.code", "=", "repair")]
            ),
        )

    def test_repairs_ended_together_write_their_entries_in_one_batch(self):
        first = self._create_repair(self.piece, parts=[(self.product_pump, 1, "add")])
        second = self._create_repair(self.old_piece, parts=[(self.product_gasket, 1, "add")])
        repairs = first | second
        History = type(self.env["service.history"])
        with patch.object(History, "_log", autospec=True, side_effect=History._log) as log:
            self._do_repair(repairs)
        self.assertEqual(log.call_count, 1)
        self.assertEqual(log.call_args.args[1], "repair")
        self.assertEqual(len(log.call_args.args[2]), 2)
        entries = self._entries(repairs)
        self.assertEqual(entries.equipment_id, self.piece | self.old_piece)
        old_entry = entries.filtered(lambda e: e.equipment_id == self.old_piece)
        self.assertNotIn("under warranty", str(old_entry.description), "expired warranty")
        self.assertIn("Added: 1 Units Group Gasket", str(old_entry.description))

    def test_repair_made_in_repair_app_of_a_serial_number_reaches_its_piece(self):
        repair = self.env["repair.order"].create(
            {
                "partner_id": self.contact_anna.id,
                "product_id": self.product_machine.id,
                "lot_id": self.lot.id,
            }
        )
        self._do_repair(repair)
        self.assertEqual(self._entries(repair).equipment_id, self.piece)

    def test_repair_without_customer_writes_no_entry(self):
        repair = self.env["repair.order"].create({"product_id": self.product_gasket.id})
        self._do_repair(repair)
        self.assertFalse(self._entries(repair))

    def test_case_resolved_by_its_last_open_repair(self):
        case = self._create_case(self.piece)
        first = self._create_repair(case, parts=[(self.product_pump, 1, "add")])
        second = self._create_repair(case, parts=[(self.product_gasket, 1, "add")])
        self._do_repair(first)
        self.assertEqual(case.case_state, "in_progress", "another repair of the case is still open")
        self.assertEqual(self._entries(first).repair_case_id, case)

        self._do_repair(second)
        self.assertEqual(case.case_state, "resolved")
        self.assertTrue(case.resolved_date)
        resolution = str(case.resolution)
        self.assertIn(first.name, resolution, "what every repair of the case did")
        self.assertIn("Added: 1 Units Group Gasket", resolution)
        self.assertEqual(self._entries(second).repair_case_id, case)

    def test_cancelled_repair_does_not_hold_its_case_open(self):
        case = self._create_case(self.piece)
        cancelled = self._create_repair(case)
        repair = self._create_repair(case)
        cancelled.action_repair_cancel()
        self._do_repair(repair)
        self.assertEqual(case.case_state, "resolved")

    def test_case_resolution_written_before_is_kept(self):
        case = self._create_case(self.piece, resolution="<p>Called the customer first.</p>")
        case.action_case_start()
        self._do_repair(self._create_repair(case, parts=[(self.product_pump, 1, "add")]))
        self.assertEqual(case.case_state, "resolved")
        self.assertIn("Called the customer first.", str(case.resolution))
        self.assertIn("Added: 1 Units Water Pump", str(case.resolution))

    def test_case_resolved_meanwhile_stays_as_it_is(self):
        case = self._create_case(self.piece)
        repair = self._create_repair(case)
        case.resolution = "<p>Replaced the machine instead.</p>"
        case.action_case_resolve()
        resolved_date = case.resolved_date
        self._do_repair(repair)
        self.assertEqual(case.resolved_date, resolved_date)
        self.assertEqual(str(case.resolution), "<p>Replaced the machine instead.</p>")
        self.assertEqual(self._entries(repair).repair_case_id, case)

    def test_repair_entry_of_a_piece_is_on_its_owner(self):
        """A repair invoiced to someone else (a dealer) is still the owner's history."""
        form = self._repair_form(self.piece)
        form.partner_id = self.other_customer
        repair = form.save()
        self._do_repair(repair)
        entry = self._entries(repair)
        self.assertEqual(entry.partner_id, self.contact_anna)
        self.assertEqual(entry.equipment_id, self.piece)

    def test_repair_entry_of_a_contact_of_the_owner_stays_his(self):
        form = self._repair_form(self.piece)
        form.partner_id = self.contact_bob
        repair = form.save()
        self._do_repair(repair)
        self.assertEqual(self._entries(repair).partner_id, self.contact_bob)
