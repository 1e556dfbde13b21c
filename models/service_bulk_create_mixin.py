from odoo import api, models
from odoo.tools import SQL, clean_context


class ServiceBulkCreateMixin(models.AbstractModel):
    """Records the module creates by the thousand (the equipment of the orders
    confirmed at once, their maintenance reminders), inserted in one statement."""

    _name = "service.bulk.create.mixin"
    _description = "Service Records Created in Bulk"

    @api.model
    def _create_in_one_statement(self, vals_list):
        """Create the records of ``vals_list`` with a single INSERT, whatever
        their number, and return them.

        Why not ``create()``: the ORM inserts 100 rows a statement (and updates
        its stored computed fields that are not precomputed 100 rows a
        statement), so confirming many orders at once cost queries growing with
        the orders: ``make bench`` measured 53 queries for the equipment of 200
        orders (1 000 pieces) and 301 for 1 800 orders (9 000 pieces), against a
        constant count here (``test_equipment``: 100 and 1 000 orders cost the
        same).

        What stays the ORM's: every stored value is computed by the model's own
        defaults, compute methods and related fields, on new records in memory
        (batched: the records they read are prefetched together); access,
        Python constraints and companies (``check_company``) are checked; the
        created records are put in cache and the one2many fields that list them
        are invalidated; dependent computed fields are marked to recompute. Only
        the INSERT is written by hand.

        Meant for the module's system records, created without a creation
        message, followers or tracking (see ``sale.order._get_system_model``):
        ``create()`` overrides are not called, the caller does what they would.
        """
        if not vals_list:
            return self.browse()
        self.check_access("create")
        self.env.flush_all()
        columns = [
            field
            for field in self._fields.values()
            if field.store and field.column_type and field.name != "id"
        ]
        # The fields' own defaults, not the caller's ``default_*`` keys (a form's
        # context): these are system records.
        defaults = self.with_context(clean_context(self.env.context)).default_get(
            [field.name for field in columns]
        )
        news = self.browse(
            [self.new({**defaults, **vals}).id for vals in vals_list]
        )  # one recordset: computes read what they need for all records at once
        log_access = {"create_uid", "create_date", "write_uid", "write_date"}
        now, uid = self.env.cr.now(), self.env.uid
        rows, written = [], []
        for record in news:
            values = {
                field.name: field.convert_to_write(record[field.name], record)
                for field in columns
                if field.name not in log_access
            }
            if self._log_access:
                values.update(create_uid=uid, create_date=now, write_uid=uid, write_date=now)
            written.append(values)
            rows.append(
                SQL(
                    "(%s)",
                    SQL(", ").join(
                        self._fields[name].convert_to_column_insert(value, record, values)
                        for name, value in values.items()
                    ),
                )
            )
        names = list(written[0])
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (%s) VALUES %s RETURNING id",
                SQL.identifier(self._table),
                SQL(", ").join(SQL.identifier(name) for name in names),
                SQL(", ").join(rows),
            )
        )
        records = self.browse(row[0] for row in self.env.cr.fetchall())
        for field in columns:
            for inverse in self.pool.field_inverses[field]:
                self.env[inverse.model_name].invalidate_model([inverse.name])
        for record, values in zip(records, written, strict=True):
            record._update_cache(values, validate=False)
        with self.env.protecting([self._fields[name] for name in names], records):
            records.modified(names, create=True)
        records._validate_fields(names)
        if self._check_company_auto:
            records._check_company(names)
        return records
