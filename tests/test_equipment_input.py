from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestEquipmentInput(AfterSalesCommon):
    """Equipment recorded by hand, imported or written over RPC: the values
    given are kept, the dates counted from them, absurd dates refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        # The kit is not tracked: no intervals of its own (an installed base
        # imported from another system brings them).
        cls.Equipment = cls.env["service.equipment"].with_user(cls.service_user)

    def _piece_vals(self, **values):
        return {"product_id": self.product_kit.id, "partner_id": self.customer.id, **values}

    @freeze_time("2026-11-20 10:00:00")
    def test_an_imported_interval_counts_its_dates(self):
        """Only the maintenance interval given: the next maintenance counts
        from it (the product's 0 used to be taken, so the piece was never
        reminded); the warranty interval alone, likewise."""
        self._create_maintenance_plan()
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self.assertFalse(order.equipment_ids, "the kit is not tracked")
        maintained, guaranteed = self.Equipment.create(
            [
                self._piece_vals(date_start="2026-01-15", maintenance_months=6, order_id=order.id),
                self._piece_vals(date_start="2026-01-15", warranty_months=24),
            ]
        )
        self.assertEqual(maintained.maintenance_months, 6)
        self.assertEqual(maintained.next_maintenance_date, date(2026, 7, 15))
        self.assertEqual(maintained.warranty_months, 0, "the product's")
        self.assertFalse(maintained.warranty_end)
        self.assertEqual(
            maintained.followup_ids.mapped("equipment_due_date"),
            [date(2026, 7, 15)],
            "its maintenance reminder is planned",
        )
        self.assertEqual(guaranteed.warranty_end, date(2028, 1, 15))
        self.assertEqual(guaranteed.maintenance_months, 0)
        self.assertFalse(guaranteed.next_maintenance_date)
        # Through the import, as an integrator brings an installed base.
        result = self.Equipment.load(
            ["product_id/.id", "partner_id/.id", "date_start", "maintenance_months"],
            [[str(self.product_kit.id), str(self.customer.id), "2026-03-01", "12"]],
        )
        self.assertFalse(result["messages"])
        imported = self.Equipment.browse(result["ids"])
        self.assertEqual(imported.next_maintenance_date, date(2027, 3, 1))

    def test_a_date_past_the_year_9999_is_refused_with_a_message(self):
        """2099 typed as 9999: the warranty's end would not fit in a date. A
        clear message, through create, write and the form, and nothing saved."""
        self._track_equipment(self.product_kit)
        message = "plus 24 months is past the year 9999. Check the dates of the piece."
        with self.assertRaises(ValidationError) as refused:
            self.Equipment.create(self._piece_vals(date_start="9999-06-01"))
        self.assertIn(message, str(refused.exception))
        piece = self.Equipment.create(self._piece_vals(date_start="2026-06-01"))
        for vals in (
            {"date_start": "9999-06-01"},
            {"last_maintenance_date": "9999-12-01"},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as refused:
                piece.write(vals)
                piece.flush_recordset()  # as at the end of the RPC call
            self.assertIn("is past the year 9999", str(refused.exception))
        self.assertEqual(piece.date_start, date(2026, 6, 1))
        self.assertFalse(piece.last_maintenance_date)
        self.assertEqual(piece.warranty_end, date(2028, 6, 1))
        with self.assertRaises(ValidationError) as refused, Form(piece) as form:
            form.date_start = date(9999, 6, 1)
        self.assertIn(message, str(refused.exception))
        self.assertEqual(piece.date_start, date(2026, 6, 1))

    def test_a_year_typed_with_a_zero_first_is_refused_on_every_date(self):
        """0026 for 2026, on the dates users type: refused with the record and
        the field named (Odoo's chatter cannot track a date before the year
        1000: a traceback at the end of the call before)."""
        self._track_equipment(self.product_kit)
        self._create_plan("Thank you", [{"name": "Call", "delay_count": 2}])
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        piece, followup = order.equipment_ids, order.followup_ids
        case = self._create_history(self.customer, summary="Pump leaks")
        user = self.service_user
        for record, field in (
            (piece, "date_start"),
            (piece, "last_maintenance_date"),
            (piece, "next_maintenance_date"),
            (piece, "warranty_end"),
            (followup, "planned_date"),
            (case, "deadline"),
            (case, "date"),
        ):
            with self.subTest(field=field), self.assertRaises(ValidationError) as refused:
                record.with_user(user).write({field: "0026-01-15"})
                record.flush_recordset()
            self.assertIn("is in the year 26. Check the year.", str(refused.exception))
            self.assertNotEqual(record[field] and record[field].year, 26)
        with self.assertRaises(ValidationError) as refused:
            self._create_history(self.customer, date="0026-01-15 10:00:00")
        self.assertIn("Date is in the year 26", str(refused.exception))
        wizard = Form(
            self.env["service.followup.apply.wizard"]
            .with_user(self.salesman)
            .with_context(active_model="sale.order", active_ids=order.ids)
        )
        wizard.plan_id = self.env["service.followup.plan"].search([], limit=1)
        wizard.start_date = date(26, 1, 15)
        with self.assertRaises(ValidationError) as refused:
            wizard.save()
        self.assertIn("Count From is in the year 26", str(refused.exception))

    def test_a_piece_from_an_order_stays_with_the_orders_customer(self):
        """Its reminders are e-mailed on the order, to the order's customer:
        given to another customer (over RPC, or in the form), the piece would
        have its reminders sent to its former owner. Another contact of the same
        company is fine; a piece recorded by hand goes to anyone."""
        self._track_equipment(self.product_kit)
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        piece = order.equipment_ids.with_user(self.service_user)
        with self.assertRaises(ValidationError) as refused:
            piece.partner_id = self.other_customer
        self.assertIn(f"came with order {order.name}", str(refused.exception))
        self.assertEqual(piece.partner_id, self.customer)
        piece.partner_id = self.contact_anna  # a contact of the same company
        self.assertEqual(piece.partner_id, self.contact_anna)
        by_hand = self.Equipment.create(self._piece_vals())
        by_hand.partner_id = self.other_customer
        with self.assertRaises(ValidationError):
            by_hand.order_id = order  # tied to another customer's order
        self.assertFalse(by_hand.order_id)
