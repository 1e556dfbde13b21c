from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RepairCommon


@tagged("post_install", "-at_install")
class TestRepairAccess(RepairCommon):
    """Who sees and does what of the repairs: a service user without Repair
    rights, a salesperson on his own documents, a repairer with Repair rights
    only; the repair's fields of an entry written by the repair only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Equipment = cls.env["service.equipment"]
        order = cls._create_order(cls.contact_anna, [(cls.product_grinder, 1)], user=cls.salesman)
        cls.sold_piece = Equipment.create(
            {
                "partner_id": cls.contact_anna.id,
                "product_id": cls.product_grinder.id,
                "order_id": order.id,
            }
        )
        others = cls._create_order(
            cls.contact_anna, [(cls.product_grinder, 1)], user=cls.other_salesman
        )
        cls.others_piece = Equipment.create(
            {
                "partner_id": cls.contact_anna.id,
                "product_id": cls.product_grinder.id,
                "order_id": others.id,
            }
        )

    def _repaired_entry(self, piece, case=None):
        repair = self._create_repair(
            case or piece,
            parts=[(self.product_gasket, 1, "add")],
            notes="<p>Internal: burrs worn by stones in the beans</p>",
        )
        self._do_repair(repair)
        return self.env["service.history"].search([("repair_id", "=", repair.id)])

    def _form_arch(self, model, user):
        return self.env[model].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]

    def test_service_user_without_repair_rights_sees_repair_entries_not_repair_orders(self):
        entry = self._repaired_entry(self.sold_piece)
        user = self.service_user
        History = self.env["service.history"].with_user(user)
        self.assertEqual(History.search([("equipment_id", "=", self.sold_piece.id)]), entry)
        values = entry.with_user(user).read(["summary", "description", "repair_internal_notes"])[0]
        self.assertIn("Added: 1 Units Group Gasket", values["description"])
        self.assertIn("stones in the beans", values["repair_internal_notes"], "staff read them")
        with self.assertRaises(AccessError):
            entry.with_user(user).read(["repair_id"])
        with self.assertRaises(AccessError):
            self.env["repair.order"].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.sold_piece.with_user(user).read(["repair_count"])
        with self.assertRaises(AccessError):
            self.sold_piece.with_user(user).action_create_repair()
        case = self._create_case(self.sold_piece)
        with self.assertRaises(AccessError):
            case.with_user(user).action_create_repair()
        # No button he could not use; the technician has them.
        for model in ("service.equipment", "service.history"):
            self.assertNotIn("action_create_repair", self._form_arch(model, user))
            self.assertIn("action_create_repair", self._form_arch(model, self.technician))
        self.assertNotIn("repair_count", self._form_arch("service.equipment", user))

    def test_salesperson_sees_repairs_of_his_orders_pieces_and_changes_nothing(self):
        entry = self._repaired_entry(self.sold_piece)
        others_entry = self._repaired_entry(self.others_piece)
        salesman = self.salesman
        piece = self.sold_piece.with_user(salesman)
        self.assertIn(entry, piece.history_ids, "on his customer's piece")
        self.assertIn("Group Gasket", str(entry.with_user(salesman).description))
        with self.assertRaises(AccessError):
            self.others_piece.with_user(salesman).read(["name"])
        # He reads every customer's history, but edits only the entries he logged.
        self.assertTrue(others_entry.with_user(salesman).read(["summary"]))
        with self.assertRaises(AccessError):
            entry.with_user(salesman).write({"outcome": "Customer happy"})
        with self.assertRaises(AccessError):
            piece.action_create_repair()
        with self.assertRaises(AccessError):
            self.env["repair.order"].with_user(salesman).create(
                {"partner_id": self.contact_anna.id, "product_id": self.product_grinder.id}
            )
        self.assertNotIn("action_create_repair", self._form_arch("service.equipment", salesman))

    def test_repair_fields_of_an_entry_change_only_with_the_repair(self):
        entry = self._repaired_entry(self.piece)
        other = self._repaired_entry(self.old_piece)
        case = self._create_case(self.piece)
        technician_entry = entry.with_user(self.technician)
        with self.assertRaisesText(UserError, "only through its buttons"):
            technician_entry.write({"repair_id": other.repair_id.id})
        with self.assertRaisesText(UserError, "only through its buttons"):
            technician_entry.write({"repair_internal_notes": "<p>Nothing to see</p>"})
        with self.assertRaisesText(UserError, "only through its buttons"):
            entry.with_user(self.service_admin).write({"repair_case_id": case.id})
        with self.assertRaisesText(UserError, "only through its buttons"):
            self.env["service.history"].with_user(self.technician).create(
                {
                    "partner_id": self.customer.id,
                    "type_id": self.repair_type.id,
                    "summary": "Fake repair",
                    "repair_case_id": case.id,
                }
            )
        technician_entry.write({"outcome": "Customer happy"})
        self.assertEqual(entry.outcome, "Customer happy", "its other fields stay the staff's")

    def test_repairer_with_repair_rights_only_ends_repair_into_history_and_case(self):
        case = self._create_case(self.piece)
        repair = self._create_repair(case, parts=[(self.product_pump, 1, "add")])
        repairer = self.repairer
        with self.assertRaises(AccessError):
            repair.with_user(repairer).read(["service_equipment_id"])
        self.assertNotIn("service_equipment_id", self._form_arch("repair.order", repairer))
        self._do_repair(repair.with_user(repairer))
        entry = self.env["service.history"].search([("repair_id", "=", repair.id)])
        self.assertEqual(entry.equipment_id, self.piece)
        self.assertEqual(entry.create_uid, repairer, "written on his behalf")
        self.assertEqual(case.case_state, "resolved")
        # His own repair of the customer's serial number reaches the piece too.
        own = (
            self.env["repair.order"]
            .with_user(repairer)
            .create(
                {
                    "partner_id": self.contact_anna.id,
                    "product_id": self.product_machine.id,
                    "lot_id": self.lot.id,
                }
            )
        )
        self._do_repair(own)
        self.assertEqual(
            self.env["service.history"].search([("repair_id", "=", own.id)]).equipment_id,
            self.piece,
        )
