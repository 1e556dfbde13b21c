from odoo import api, models
from odoo.exceptions import UserError

WORKFLOW_CONTEXT_KEY = "sale_after_sales_workflow"


class _WorkflowToken:
    """The value of ``WORKFLOW_CONTEXT_KEY`` that lets the workflow write its fields.

    A context sent over RPC is JSON: it can hold the key, never this object, so
    only server code that calls ``_workflow()`` writes the workflow's fields.
    """

    __slots__ = ()

    def __repr__(self):
        return "<sale_after_sales workflow>"


WORKFLOW_TOKEN = _WorkflowToken()


class ServiceWorkflowMixin(models.AbstractModel):
    """Fields owned by a workflow: its state, dates, authors and counters.

    They change only through the model's actions, which write them on
    ``self._workflow()``; a plain ``write`` (from a form, an import or RPC,
    whoever the user) is refused with a clear error, and so is a ``create``
    that sets them to anything but their initial value.
    """

    _name = "service.workflow.mixin"
    _description = "Fields Owned by a Workflow"

    # Fields that only the workflow writes.
    _workflow_fields = ()
    # Among them, the ones that may be given on create (what the record is about).
    _workflow_create_fields = ()
    # Stored copies of another record's fields (``related=..., store=True``):
    # they follow their source. Odoo stores a value written on them as it is,
    # without passing it on (they are read-only), so the copy would disagree
    # with its source, and the record rules that read it (the customer's, the
    # company's) would follow the copy. Refused on write and create.
    _derived_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_derived_vals(vals)
        if not self._in_workflow():
            defaults = {
                key.removeprefix("default_"): value
                for key, value in self.env.context.items()
                if key.startswith("default_")
            }
            for vals in vals_list:
                self._check_workflow_create_vals({**defaults, **vals})
        return super().create(vals_list)

    def write(self, vals):
        self._check_derived_vals(vals)
        if not self._in_workflow():
            owned = [name for name in self._workflow_fields if name in vals]
            if owned:
                self._raise_workflow_error(owned)
        return super().write(vals)

    def _workflow(self):
        """These records, allowed to write the workflow's fields."""
        return self.with_context(**{WORKFLOW_CONTEXT_KEY: WORKFLOW_TOKEN})

    def _in_workflow(self):
        return self.env.context.get(WORKFLOW_CONTEXT_KEY) is WORKFLOW_TOKEN

    @api.model
    def _get_workflow_initial_values(self):
        """The values a new record may be created with (empty values always may)."""
        return {}

    def _check_workflow_create_vals(self, vals):
        initial = self._get_workflow_initial_values()
        owned = [
            name
            for name in self._workflow_fields
            if name not in self._workflow_create_fields
            and vals.get(name)
            and vals[name] != initial.get(name)
        ]
        if owned:
            self._raise_workflow_error(owned)

    def _check_derived_vals(self, vals):
        derived = [name for name in self._derived_fields if name in vals]
        if derived:
            raise UserError(
                self.env._(
                    "%(fields)s of %(model)s follow the records they come from: change "
                    "those instead.",
                    **self._describe_fields(derived),
                )
            )

    def _raise_workflow_error(self, names):
        raise UserError(
            self.env._(
                "%(fields)s of %(model)s change only through its buttons (the workflow "
                "records who did what and when), not by editing them.",
                **self._describe_fields(names),
            )
        )

    def _describe_fields(self, names):
        """The labels of fields ``names`` and the model's name, for a message."""
        return {
            "fields": ", ".join(self._fields[name]._description_string(self.env) for name in names),
            "model": self.env["ir.model"]._get(self._name).name,
        }
