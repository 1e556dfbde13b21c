from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestEquipmentReport(AfterSalesCommon):
    """*Reporting → Equipment*, against figures counted by hand.

    Bought on 10 January 2026: three espresso machines by the bakery (ordered
    by its contact Anna), a burr grinder without warranty by Marc, and a
    machine by Marc, cancelled after a repair (retired: not in service). The
    yearly maintenance reminders of the 10 January 2027 are done that day for
    the first machine, five days late for the second, not yet for the third.
    Warranty ends are then set around today (PostgreSQL's day: the report
    computes the state when it is read):

    =========  ==============  ==========  ========  ===================
    piece      warranty        contacts    maint.    maintenance late
    =========  ==============  ==========  ========  ===================
    machine 1  expiring (+10)  2           1         0
    machine 2  expired (-100)  1           1         1
    machine 3  under (+400)    0           0         0
    grinder    none            0           0         0
    =========  ==============  ==========  ========  ===================

    plus one machine of another company, seen by that company only.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.coffee = cls.env["product.category"].create({"name": "Coffee Machines"})
        cls.product_machine.categ_id = cls.coffee
        cls._track_equipment(cls.product_machine)
        cls._track_equipment(
            cls.product_grinder, service_warranty_months=0, service_maintenance_months=0
        )
        cls.company.handover_default_user_id = cls.service_user
        cls._create_maintenance_plan()
        with freeze_time("2026-01-10 10:00:00"):
            cls.bakery_order = cls._create_order(
                cls.contact_anna, [(cls.product_machine, 3)], confirm=True
            )
            cls.grinder = cls._create_order(
                cls.other_customer, [(cls.product_grinder, 1)], confirm=True
            ).equipment_ids
            cancelled = cls._create_order(
                cls.other_customer, [(cls.product_machine, 1)], confirm=True
            )
            cls.retired = cancelled.equipment_ids
            cls._create_history(cls.other_customer, equipment_id=cls.retired.id)
            cancelled._action_cancel()
        cls.first, cls.second, cls.third = cls.bakery_order.equipment_ids.sorted("id")
        with freeze_time("2027-01-10 08:00:00"):
            # What the scheduled action does with them (its commits are not for setUpClass).
            cls.bakery_order.equipment_ids.followup_ids.sudo()._process()
        for piece, when in (
            (cls.first, "2027-01-10 16:00:00"),
            (cls.second, "2027-01-15 09:00:00"),
        ):
            with freeze_time(when):
                piece.followup_ids.filtered(lambda f: f.state == "due")._close(
                    feedback="<p>Descaled</p>"
                )
        cls._create_history(cls.customer, equipment_id=cls.first.id, summary="Pump replaced")
        today = fields.Date.today()
        cls.first.warranty_end = today + timedelta(days=10)
        cls.second.warranty_end = today - timedelta(days=100)
        cls.third.warranty_end = today + timedelta(days=400)
        cls.elsewhere = cls.env["service.equipment"].create(
            {
                "product_id": cls.product_machine.id,
                "partner_id": cls.other_customer.id,
                "company_id": cls.other_company.id,
                "date_start": today,  # the machine's 24 months: under warranty
            }
        )
        cls.env.flush_all()

    def _rows(self, user, groupby):
        Report = self.env["service.equipment.report"].with_user(user)
        return {
            group: (count, under, expiring, contacts, done, on_time, late)
            for group, count, under, expiring, contacts, done, on_time, late in Report._read_group(
                # The pieces made here (the database may hold demo ones).
                [("partner_id", "in", (self.customer | self.other_customer).ids)],
                [groupby],
                [
                    "__count",
                    "under_warranty_count:sum",
                    "expiring_count:sum",
                    "contact_count:sum",
                    "maintenance_done_count:sum",
                    "maintenance_on_time_count:sum",
                    "maintenance_late_count:sum",
                ],
            )
        }

    def test_pieces_in_service_by_warranty_state(self):
        self.assertEqual(self.retired.state, "retired")
        self.assertEqual(
            self._rows(self.service_user, "warranty_state"),
            {
                "expiring": (1, 1, 1, 2, 1, 1, 0),
                "expired": (1, 0, 0, 1, 1, 0, 1),
                "under": (1, 1, 0, 0, 0, 0, 0),
                "none": (1, 0, 0, 0, 0, 0, 0),
            },
        )

    def test_pieces_by_piece_customer_and_category(self):
        by_piece = self._rows(self.service_user, "equipment_id")
        self.assertEqual(set(by_piece), {self.first, self.second, self.third, self.grinder})
        self.assertEqual(by_piece[self.first], (1, 1, 1, 2, 1, 1, 0))
        self.assertEqual(by_piece[self.second], (1, 0, 0, 1, 1, 0, 1))
        by_customer = self._rows(self.service_user, "partner_id")
        self.assertEqual(
            {partner: row[0] for partner, row in by_customer.items()},
            {self.customer: 3, self.other_customer: 1},
            "the customer company, not the contact who ordered",
        )
        by_category = self._rows(self.service_user, "categ_id")
        self.assertEqual(by_category[self.coffee][:3], (3, 2, 1))
        self.assertEqual(sum(row[0] for row in by_category.values()), 4)

    def test_a_company_sees_its_own_pieces(self):
        self.assertEqual(
            self._rows(self.other_company_user, "equipment_id"),
            {self.elsewhere: (1, 1, 0, 0, 0, 0, 0)},
        )
        Report = self.env["service.equipment.report"]
        self.assertNotIn(
            self.elsewhere, Report.with_user(self.service_user).search([]).equipment_id
        )

    def test_read_only_and_closed_to_salespeople(self):
        Report = self.env["service.equipment.report"]
        with self.assertRaises(AccessError):
            Report.with_user(self.salesman).search_read([], ["equipment_id"])
        row = Report.with_user(self.service_admin).search([("equipment_id", "=", self.first.id)])
        self.assertEqual(row.warranty_state, "expiring")
        with self.assertRaises(AccessError):
            row.with_user(self.service_admin).write({"warranty_state": "under"})
        with self.assertRaises(AccessError):
            row.with_user(self.service_admin).unlink()
