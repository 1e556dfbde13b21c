from contextlib import contextmanager, nullcontext

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tools.safe_eval import safe_eval


class AfterSalesCommon(TransactionCase):
    """Shared data: one company with a customer company and its contacts,
    products, and users of every kind; a second company with its own user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})

        cls.salesman = new_test_user(
            cls.env,
            login="saa_salesman",
            name="Sally Sales",
            groups="sales_team.group_sale_salesman",
            email="sally@example.com",
        )
        cls.other_salesman = new_test_user(
            cls.env,
            login="saa_salesman2",
            name="Sam Sales",
            groups="sales_team.group_sale_salesman",
        )
        cls.service_user = new_test_user(
            cls.env,
            login="saa_service",
            name="Sergio Service",
            groups="sale_after_sales.group_after_sales_user",
            email="sergio@example.com",
        )
        cls.service_admin = new_test_user(
            cls.env,
            login="saa_service_admin",
            name="Ada Admin",
            groups="sale_after_sales.group_after_sales_manager,sales_team.group_sale_manager",
        )
        cls.other_company_user = new_test_user(
            cls.env,
            login="saa_other_company",
            name="Otto Other",
            groups="sale_after_sales.group_after_sales_manager,sales_team.group_sale_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Brightwater Bakery",
                "is_company": True,
                "email": "bakery@example.com",
                "phone": "+32 2 555 01 10",
                "street": "12 Rue du Marché",
                "city": "Brussels",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.contact_anna, cls.contact_bob = cls.env["res.partner"].create(
            [
                {"name": "Anna", "parent_id": cls.customer.id, "email": "anna@example.com"},
                {"name": "Bob", "parent_id": cls.customer.id, "email": "bob@example.com"},
            ]
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Marc Dupont", "email": "marc@example.com"}
        )

        cls.product_machine, cls.product_grinder, cls.product_kit = cls.env[
            "product.product"
        ].create(
            [
                {"name": "Espresso Machine", "type": "consu", "list_price": 2450.0},
                {"name": "Burr Grinder", "type": "consu", "list_price": 620.0},
                {"name": "Descaling Kit", "type": "consu", "list_price": 29.0},
            ]
        )
        cls.sale_type = cls.env.ref("sale_after_sales.history_type_sale")
        cls.repair_type = cls.env.ref("sale_after_sales.history_type_repair")

    @classmethod
    def _create_order(cls, partner, lines, user=None, confirm=False, **values):
        """Create an order for ``partner`` with ``lines`` [(product, qty[, price])]."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": (user or cls.salesman).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": line[0].id,
                            "product_uom_qty": line[1],
                            **({"price_unit": line[2]} if len(line) > 2 else {}),
                        }
                    )
                    for line in lines
                ],
                **values,
            }
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _create_history(cls, partner, **values):
        return cls.env["service.history"].create(
            {
                "partner_id": partner.id,
                "type_id": values.pop("type_id", cls.repair_type.id),
                "summary": values.pop("summary", "Repaired the pump"),
                **values,
            }
        )

    @classmethod
    def _create_plan(cls, name, steps, **values):
        return cls.env["service.followup.plan"].create(
            {
                "name": name,
                "trigger": values.pop("trigger", "order_confirmed"),
                "step_ids": [Command.create(step) for step in steps],
                **values,
            }
        )

    @classmethod
    def _create_gift_program(cls, **values):
        """A coupon program of 10 % on an order, with no communication of its
        own (the gift step's e-mail announces its cards)."""
        return cls.env["loyalty.program"].create(
            {
                "name": "Thank-you coupon",
                "program_type": "coupons",
                "applies_on": "current",
                "trigger": "with_code",
                "communication_plan_ids": [Command.clear()],
                "rule_ids": [Command.create({"reward_point_amount": 1})],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                            "required_points": 1,
                        }
                    )
                ],
                **values,
            }
        )

    @classmethod
    def _track_equipment(cls, product, **values):
        """Make ``product`` equipment: a piece per unit sold, with 24 months of
        warranty and a yearly maintenance unless ``values`` say otherwise."""
        product.product_tmpl_id.write(
            {
                "service_track_equipment": True,
                "service_warranty_months": 24,
                "service_maintenance_months": 12,
                **values,
            }
        )

    @classmethod
    def _create_maintenance_plan(cls, **step):
        """A plan whose one step recurs per piece, a year after the trigger."""
        return cls._create_plan(
            "Maintenance",
            [{"name": "Maintenance call", "equipment_recurring": True, "delay_count": 365, **step}],
        )

    @classmethod
    def _create_shipping_note_plan(cls):
        """A plan whose e-mail renders for customers with a country and fails
        for the others. (The template is checked on save against the latest
        order: one with a country.)"""
        cls._create_order(cls.customer, [(cls.product_kit, 1)], date_order="2030-01-01")
        country = "<t t-out='object.partner_id.country_id.name.upper()'/>"
        template = cls.env.ref("sale_after_sales.mail_template_followup_thank_you").copy(
            {"name": "Shipping note", "body_html": f"<p>Shipping to {country}</p>"}
        )
        return cls._create_plan(
            "Shipping",
            [
                {
                    "name": "Shipping tips",
                    "create_activity": False,
                    "send_mail": True,
                    "mail_template_id": template.id,
                }
            ],
        )

    @contextmanager
    def assertRaisesText(self, exception, text):
        """``assertRaises`` (which rolls back what failed, unlike
        ``assertRaisesRegex``) that also checks the message shown to the user."""
        with self.assertRaises(exception) as capture:
            yield capture
        self.assertIn(text, str(capture.exception))

    def _customers_list(self, user, companies=None):
        """The customers After-Sales > Customers lists for ``user`` working in
        ``companies`` (the company switcher's selection)."""
        action = self.env.ref("sale_after_sales.res_partner_action_after_sales")
        companies = companies or user.company_id
        domain = safe_eval(action.domain, {"allowed_company_ids": companies.ids})
        return self.env["res.partner"].with_user(user).with_company(companies[0]).search(domain)

    def _run_followup_cron(self):
        """Run the real scheduled action as the cron worker does, in a test
        cursor whose commits are savepoints of the test transaction."""
        cron = self.env.ref("sale_after_sales.ir_cron_process_due_followups")
        self.env.flush_all()
        job = {**cron.read(load=None)[0], "done": 0, "remaining": 0, "timed_out_counter": 0}
        # An HttpCase runs in the registry's test mode already (and says so if asked again).
        test_mode = nullcontext() if isinstance(self, HttpCase) else self.enter_registry_test_mode()
        with test_mode, self.registry.cursor() as cr:
            self.registry["ir.cron"]._process_job(cr, job)
        self.env.invalidate_all()
