from lxml import etree

from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestMenus(AfterSalesCommon):
    """Every After-Sales menu opens, for every kind of user who sees it: its
    views load and their records read with the fields the views show, as the
    web client does (list, kanban, pivot..., then the form of a record)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_manager = new_test_user(
            cls.env, login="saa_sales_manager", groups="sales_team.group_sale_manager"
        )
        order = cls._create_order(cls.customer, [(cls.product_machine, 1)], confirm=True)
        order.handover_note = "<p>Ring twice.</p>"
        order.action_start_handover()
        cls._create_history(cls.customer, order_id=order.id, satisfaction="4")

    def _specification(self, node, model):
        """What the web client reads for the view ``node``: its fields, and
        for an x2many field the fields of its inline list or kanban."""
        spec = {}
        for field_node in node.iter("field"):
            parent = field_node.getparent()
            while parent is not None and parent is not node and parent.tag != "field":
                parent = parent.getparent()
            if parent is not None and parent is not node:
                continue  # a field of an inline sub-view, read with its x2many
            name = field_node.get("name")
            field = self.env[model]._fields[name]
            sub_views = [child for child in field_node if child.tag in ("list", "kanban")]
            if field.type in ("one2many", "many2many") and sub_views:
                spec[name] = {"fields": self._specification(sub_views[0], field.comodel_name)}
            elif field.relational:
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    def _open(self, user, menu):
        action = menu.action.sudo()
        self.assertEqual(action._name, "ir.actions.act_window", menu.complete_name)
        eval_context = {"uid": user.id, "context": {}, "allowed_company_ids": [self.company.id]}
        context = safe_eval(action.context or "{}", eval_context)
        domain = safe_eval(action.domain or "[]", eval_context)
        Model = self.env[action.res_model].with_user(user).with_context(**context)
        modes = action.view_mode.split(",")
        view_ids = {view.view_mode: view.view_id.id for view in action.view_ids}
        views = Model.get_views(
            [(view_ids.get(mode, False), mode) for mode in modes] + [(False, "search")]
        )["views"]
        record_ids = []
        for mode in modes:
            if mode == "form":
                continue
            arch = etree.fromstring(views[mode]["arch"])
            records = Model.web_search_read(
                domain, self._specification(arch, action.res_model), limit=5
            )["records"]
            record_ids = [record["id"] for record in records]
        if record_ids and "form" in modes:
            arch = etree.fromstring(views["form"]["arch"])
            Model.browse(record_ids[0]).web_read(self._specification(arch, action.res_model))

    def test_every_menu_opens_for_every_group(self):
        root = self.env.ref("sale_after_sales.after_sales_menu_root")
        menus = self.env["ir.ui.menu"].search(
            [("id", "child_of", root.id), ("action", "!=", False)]
        )
        expected = {
            self.salesman: {"My Follow-ups", "Handovers", "Customers", "Service History"},
            self.service_user: {"Handovers Waiting for Me", "Satisfaction", "Customers"},
            self.service_admin: {"Follow-up Plans", "Handover Checks", "Satisfaction"},
            self.sales_manager: {"Handovers", "Satisfaction"},
        }
        for user, must_see in expected.items():
            visible = menus.with_user(user)._filter_visible_menus()
            self.assertTrue(must_see <= set(visible.mapped("name")), user.name)
            for menu in visible:
                with self.subTest(user=user.login, menu=menu.complete_name):
                    self._open(user, menu)
        self.assertNotIn(
            "Configuration",
            self.env["ir.ui.menu"]
            .with_user(self.service_user)
            .search([("id", "child_of", root.id)])
            ._filter_visible_menus()
            .mapped("name"),
        )
        self.assertNotIn(
            "Reporting",
            self.env["ir.ui.menu"]
            .with_user(self.salesman)
            .search([("id", "child_of", root.id)])
            ._filter_visible_menus()
            .mapped("name"),
        )

    def test_settings_open_for_the_administrator(self):
        admin = self.env.ref("base.user_admin")
        action = self.env.ref("sale_after_sales.res_config_settings_action")
        settings = self.env["res.config.settings"].with_user(admin).create({})
        views = settings.get_views([(False, "form")])
        self.assertIn("handover_auto_start", views["models"]["res.config.settings"]["fields"])
        self.assertEqual(action.res_model, "res.config.settings")
