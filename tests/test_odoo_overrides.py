"""The methods of Odoo the module overrides keep Odoo's signature.

An override of a private method of Odoo (for speed, or to change what Odoo
does) breaks silently when Odoo changes that method's parameters: Odoo calls it
with arguments the override no longer takes, or the override passes on what
Odoo no longer expects. These tests compare each override with the method it
overrides, the next one in the class hierarchy, and fail when they differ.
"""

import inspect
from pathlib import Path

from odoo.tests import TransactionCase, tagged

from odoo.addons.sale_after_sales.controllers.portal import AfterSalesPortal
from odoo.addons.sale_after_sales.controllers.rating import AfterSalesRating

MODULE = "sale_after_sales"

# Odoo's private API the module overrides, by model (plus ``mail.mail.create``,
# a speed override, and ``rating_apply``, how the customer's rating closes a
# follow-up). A new override of one of Odoo's private methods belongs here:
# ``test_every_override_of_odoos_private_methods_is_listed`` says so.
OVERRIDES = {
    # For speed, each in the file of its model (models/<model>.py).
    ("ir.qweb", "_compile"),
    ("mail.render.mixin", "_render_template"),
    ("mail.render.mixin", "_render_encapsulate"),
    ("mail.mail", "create"),
    # Behaviour.
    ("account.move", "_invoice_paid_hook"),
    ("account.move", "_post"),
    ("ir.http", "_serve_fallback"),
    ("mail.activity", "_action_done"),
    ("res.partner", "_search"),
    ("res.partner", "_synced_commercial_fields"),
    ("sale.order", "_action_cancel"),
    ("sale.order", "_action_confirm"),
    ("sale.order", "_mail_get_operation_for_mail_message_operation"),
    ("sale.order.line", "_get_sale_order_line_multiline_description_sale"),
    ("sale.order", "_notify_by_email_get_final_mail_values"),
    ("service.followup", "_get_thread_with_access"),
    ("service.followup", "_sign_token"),
    ("service.followup", "rating_apply"),
}
SPEED_OVERRIDES = {
    ("ir.qweb", "_compile"),
    ("mail.render.mixin", "_render_template"),
    ("mail.render.mixin", "_render_encapsulate"),
    ("mail.mail", "create"),
}
# The controllers of Odoo the module extends.
CONTROLLERS = (AfterSalesPortal, AfterSalesRating)


def _function(value):
    """The function behind a class attribute (a classmethod's, a staticmethod's)."""
    return getattr(value, "__func__", value)


def _parameters(function):
    """What a caller sees of ``function``: its parameters' names, kinds and
    defaults (not their annotations)."""
    return [
        (param.name, param.kind, param.default)
        for param in inspect.signature(_function(function)).parameters.values()
    ]


def _module_of(klass):
    """The Odoo module a model's or a controller's class comes from (the
    module's name for an add-on's class, else the Python module, e.g. the ORM's)."""
    parts = klass.__module__.split(".")
    return vars(klass).get("_module") or (
        parts[2] if parts[:2] == ["odoo", "addons"] else klass.__module__
    )


def _overridden(classes, name, start):
    """The class after ``classes[start]`` that defines ``name`` and is not the
    module's: the method the module's override calls with ``super()``."""
    for klass in classes[start + 1 :]:
        if name in vars(klass) and _module_of(klass) != MODULE:
            return klass
    return None


@tagged("post_install", "-at_install")
class TestOdooOverrides(TransactionCase):
    def _model_overrides(self):
        """{(model, method): (the module's class, Odoo's class)} for every
        method that a class of the module defines on a model and a class of
        another module defines too, each definition once (the models that
        inherit a mixin share its override)."""
        found = {}
        for model_name in self.registry:
            classes = type(self.env[model_name]).__mro__
            for index, klass in enumerate(classes):
                if vars(klass).get("_module") != MODULE:
                    continue  # the registry's class, Odoo's classes
                owner = klass._name  # the model the module's class extends or defines
                for name, value in vars(klass).items():
                    if name.startswith("__") or not callable(_function(value)):
                        continue
                    odoo_class = _overridden(classes, name, index)
                    if odoo_class is not None:
                        found.setdefault((owner, name), (klass, odoo_class))
        return found

    def _assert_same_signature(self, label, override, original, odoo_class):
        ours, odoos = _parameters(override), _parameters(original)
        if ours == odoos:
            return
        # An override that passes every other argument on as it came
        # (``def _search(self, domain, *args, **kwargs)``) takes whatever Odoo's
        # takes: only its own parameters must still be Odoo's first ones.
        kinds = [kind for (_name, kind, _default) in ours]
        if kinds[-2:] == [inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD]:
            if ours[:-2] == odoos[: len(ours) - 2]:
                return
        self.fail(
            f"Odoo ({_module_of(odoo_class)}) changed the signature of {label}: "
            f"{inspect.signature(_function(original))} in Odoo, "
            f"{inspect.signature(_function(override))} in the module's override: "
            "adapt the override to Odoo's new signature."
        )

    def test_every_override_of_odoos_private_methods_is_listed(self):
        private = {
            key
            for key in self._model_overrides()
            if key[1].startswith("_")
            # Compute methods of Odoo's fields (_compute_access_url,
            # _compute_display_name): Odoo calls them without arguments.
            and not key[1].startswith("_compute_")
        }
        self.assertEqual(
            private - OVERRIDES,
            set(),
            "an override of a private method of Odoo: list it in OVERRIDES",
        )
        self.assertEqual(
            OVERRIDES - set(self._model_overrides()),
            set(),
            "listed in OVERRIDES but no longer overridden",
        )

    def test_the_overrides_keep_odoos_signatures(self):
        overrides = self._model_overrides()
        for model_name, name in sorted(OVERRIDES):
            with self.subTest(model=model_name, method=name):
                ours, odoos = overrides[model_name, name]
                self._assert_same_signature(
                    f"{model_name}.{name}", vars(ours)[name], vars(odoos)[name], odoos
                )

    def test_the_controllers_keep_odoos_signatures(self):
        for controller in CONTROLLERS:
            classes = controller.__mro__
            for name, value in vars(controller).items():
                if name.startswith("__") or not callable(_function(value)):
                    continue
                odoo_class = _overridden(classes, name, 0)
                if odoo_class is None:
                    continue
                with self.subTest(controller=controller.__name__, method=name):
                    self._assert_same_signature(
                        f"{odoo_class.__name__}.{name}", value, vars(odoo_class)[name], odoo_class
                    )

    def test_speed_overrides_are_in_their_models_file_and_say_what_they_rely_on(self):
        overrides = self._model_overrides()
        for model_name, name in sorted(SPEED_OVERRIDES):
            with self.subTest(model=model_name, method=name):
                ours, _odoos = overrides[model_name, name]
                function = inspect.unwrap(_function(vars(ours)[name]))
                path = Path(inspect.getsourcefile(function))
                self.assertEqual(
                    (path.parent.name, path.name),
                    ("models", f"{model_name.replace('.', '_')}.py"),
                )
                self.assertIn("Relies on Odoo", function.__doc__)
