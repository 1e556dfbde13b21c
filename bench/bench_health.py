"""Customer health (``make bench --health-customers N``): the scheduled action
recomputes the health of N customers (10 000), in its locked, committed
batches, and prints the seconds and the queries of each batch. Goal: 10 000
customers in at most 10 s.

Also runs alone in a database where the module is installed:
``click-odoo -c odoo.cfg -d DB -- bench/bench_health.py [--customers N]``."""

import argparse
import sys
from datetime import timedelta

from odoo import fields

from odoo.addons.sale_after_sales.models.res_partner_health import HEALTH_BATCH_SIZE

GOAL_SECONDS = 10.0


def _make_customers(bench, count, user):
    """``count`` customers with a confirmed order each; a tenth with a second
    order and an open complaint, half of those with two pieces whose
    maintenance is overdue (at risk); a fifth with a rating, happy or unhappy
    (setup, not measured: in chunks, committed)."""
    env, cr = bench.env, bench.cr
    env["service.followup.plan"].search([]).active = False  # no follow-ups to plan
    product = env["product.product"].create({"name": "Bench Health Kit", "list_price": 10})
    machine = env["product.product"].create({"name": "Bench Health Machine", "list_price": 900})
    complaint = env.ref("sale_after_sales.history_type_complaint")
    call = env["service.history.type"]._get_by_code("call") or complaint
    Partner = env["res.partner"].with_context(tracking_disable=True)
    History = env["service.history"].with_context(tracking_disable=True, mail_create_nolog=True)
    today = fields.Date.context_today(Partner)
    customers = Partner.browse()
    chunk_size = 500
    for start in range(0, count, chunk_size):
        size = min(chunk_size, count - start)
        chunk = Partner.create(
            [{"name": f"Bench Health {start + index}", "is_company": True} for index in range(size)]
        )
        repeat = chunk[::10]
        orders = bench.new_orders(chunk + repeat, product, user)
        orders.action_confirm()
        History.create(
            [
                {
                    "partner_id": partner.id,
                    "type_id": complaint.id,
                    "summary": "Bench complaint",
                    "date": fields.Datetime.now() - timedelta(days=index % 30),
                }
                for index, partner in enumerate(repeat)
            ]
            + [
                {
                    "partner_id": partner.id,
                    "type_id": call.id,
                    "summary": "Bench call",
                    "satisfaction": "1" if index % 2 else "5",
                }
                for index, partner in enumerate(chunk[1::5])
            ]
        )
        env["service.equipment"].create(
            [
                {
                    "product_id": machine.id,
                    "partner_id": partner.id,
                    "date_start": today - timedelta(days=800),
                    "maintenance_months": 12,
                }
                for partner in chunk[::20]
                for _piece in range(2)
            ]
        )
        env.flush_all()
        cr.commit()
        env.invalidate_all()
        customers |= chunk
    return customers


def health(bench, user, count):
    print()
    env = bench.env
    Partner = env["res.partner"]
    customers = _make_customers(bench, count, user)
    # Computed by the scheduled action here, not in passing.
    env.ref("sale_after_sales.ir_cron_compute_service_health").active = False
    bench.cr.execute(
        "UPDATE res_partner SET service_health_date = NULL WHERE id = ANY(%s)", [customers.ids]
    )
    bench.cr.commit()
    batches = -(-count // HEALTH_BATCH_SIZE)
    with bench.measure(
        f"health of {count} customers, batches of {HEALTH_BATCH_SIZE}", count
    ) as figures:
        Partner._cron_compute_service_health()
    per_batch = figures["queries"] / batches
    states = dict(
        Partner._read_group([("id", "in", customers.ids)], ["service_health_state"], ["__count"])
    )
    print(f"  {per_batch:.1f} queries a batch ({batches} batches); states: {states}")
    verdict = "OK" if figures["seconds"] <= GOAL_SECONDS * count / 10_000 else "SLOW"
    print(f"  goal {GOAL_SECONDS:.0f} s for 10 000 customers: {verdict}")
    customers_list(bench)
    return figures


def customers_list(bench):
    """The Customers list (80 rows), as bench_growth.py reads it, with the
    health column and without it; and its At Risk filter."""
    from bench_growth import _action_domain, _measure, _spec  # noqa: PLC0415 - lxml, only here

    env = bench.env
    Partner = env(user=env.ref("base.user_admin"))["res.partner"]
    domain = _action_domain(Partner.env, "sale_after_sales.res_partner_action_after_sales")
    view = env.ref("sale_after_sales.res_partner_view_list_after_sales")
    spec = _spec(Partner, Partner.get_views([(view.id, "list")])["views"]["list"]["arch"])
    without = {name: value for name, value in spec.items() if "health" not in name}
    screens = {
        "Customers list (80 rows), health shown": (domain, spec),
        "Customers list (80 rows), without health": (domain, without),
        "Customers list, At Risk filter": (
            [*domain, ("service_health_state", "=", "at_risk")],
            spec,
        ),
    }
    for screen_domain, screen_spec in screens.values():  # warm-up: caches filled
        Partner.web_search_read(screen_domain, screen_spec, limit=80, count_limit=10001)
    for label, (screen_domain, screen_spec) in screens.items():
        seconds, queries = _measure(
            env,
            lambda d=screen_domain, s=screen_spec: Partner.web_search_read(
                d, s, limit=80, count_limit=10001
            ),
        )
        print(f"{label:<46} {seconds * 1000:8.1f} ms  {queries:5.1f} queries")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="bench_health.py")
    parser.add_argument("--customers", type=int, default=10_000)
    options = parser.parse_args(sys.argv[1:])
    from bench_common import Bench  # noqa: PLC0415 - run alone, beside it

    health(Bench(env, options), env.ref("base.user_admin"), options.customers)  # noqa: F821
