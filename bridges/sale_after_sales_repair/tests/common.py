from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, new_test_user

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


class RepairCommon(AfterSalesCommon):
    """The main module's shared data, with Repair: a technician of the service
    department with Repair rights, a repairer with Repair rights only, the
    customer's espresso machine (serial number in Inventory, under warranty)
    back in the workshop, and spare parts in stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        lots = "stock.group_production_lot"
        cls.technician = new_test_user(
            cls.env,
            login="saar_technician",
            name="Tess Technician",
            groups=f"sale_after_sales.group_after_sales_user,stock.group_stock_user,{lots}",
        )
        cls.repairer = new_test_user(
            cls.env,
            login="saar_repairer",
            name="Rob Repairer",
            groups=f"stock.group_stock_user,{lots}",
        )
        cls.portal_user = new_test_user(
            cls.env, login="saar_portal", groups="base.group_portal", partner_id=cls.contact_anna.id
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id

        cls._track_equipment(cls.product_machine)
        cls.product_machine.write({"is_storable": True, "tracking": "serial"})
        cls.product_pump, cls.product_gasket = cls.env["product.product"].create(
            [
                {"name": "Water Pump", "type": "consu", "is_storable": True},
                {"name": "Group Gasket", "type": "consu"},
            ]
        )
        cls.lot = cls.env["stock.lot"].create(
            {"name": "BAKERY-SN-1", "product_id": cls.product_machine.id}
        )
        Quant = cls.env["stock.quant"]
        # The customer's machine is back in the workshop; the parts in stock.
        Quant._update_available_quantity(cls.product_machine, cls.stock_location, 1, lot_id=cls.lot)
        Quant._update_available_quantity(cls.product_pump, cls.stock_location, 10)

        today = fields.Date.today()
        cls.piece = cls.env["service.equipment"].create(
            {
                "partner_id": cls.contact_anna.id,
                "product_id": cls.product_machine.id,
                "serial_number": "BAKERY-SN-1",
                "date_start": today - timedelta(days=60),
            }
        )
        cls.old_piece = cls.env["service.equipment"].create(
            {
                "partner_id": cls.contact_bob.id,
                "product_id": cls.product_grinder.id,
                "serial_number": "BAKERY-GR-7",
                "date_start": today - timedelta(days=3 * 366),
                "warranty_months": 24,
            }
        )

    @classmethod
    def _create_case(cls, piece=None, **values):
        """An open complaint about ``piece``."""
        return cls.env["service.history"].create(
            {
                "partner_id": (piece.partner_id if piece else cls.customer).id,
                "equipment_id": piece.id if piece else False,
                "type_id": cls.env.ref("sale_after_sales.history_type_complaint").id,
                "summary": values.pop("summary", "The machine leaks"),
                **values,
            }
        )

    def _repair_form(self, record, user=None):
        """The form that *Create Repair* on ``record`` (a piece or a case)
        opens, as ``user`` (the technician by default) sees it."""
        record = record.with_user(user or self.technician)
        action = record.action_create_repair()
        self.assertEqual(action["res_model"], "repair.order")
        return Form(record.env["repair.order"].with_context(**action["context"]))

    def _create_repair(self, record, user=None, parts=(), notes=None):
        """A repair order created through *Create Repair* on ``record``, with
        ``parts`` [(product, quantity, operation)] and internal ``notes``."""
        form = self._repair_form(record, user)
        if notes:
            form.internal_notes = notes
        repair = form.save()
        if parts:
            repair.move_ids = [
                Command.create(
                    {"product_id": product.id, "product_uom_qty": qty, "repair_line_type": kind}
                )
                for product, qty, kind in parts
            ]
        return repair

    def _do_repair(self, repairs):
        """Confirm, start and end ``repairs`` through their buttons (ended together)."""
        for repair in repairs:
            repair.action_validate()
        repairs.action_repair_start()
        repairs.action_repair_end()
        self.assertEqual(set(repairs.mapped("state")), {"done"})
