"""Pieces from delivered serial numbers (``make bench``, database saa_bench_stock: the
module with Inventory, so with the bridge sale_after_sales_stock): N orders of one
serial-tracked product each, their deliveries validated in one go through Odoo's
``button_validate``, once with the bridge switched off (Odoo's own validation) and once
with it, in turns, in several rounds. Prints the time and queries of each, the time the
bridge adds (its own method timed inside the validation) against Odoo's, and the
bridge's queries for a batch of 100 and of N: constant per batch.

    click-odoo -d saa_bench_stock bench/bench_stock.py [--serials N] [--rounds R]
"""

import argparse
import statistics
import sys
import time

from bench_common import Bench

env = env  # noqa: F821, PLW0127 - provided by click-odoo

parser = argparse.ArgumentParser(prog="bench/run (stock)")
parser.add_argument("--serials", type=int, default=1000, help="deliveries, one serial each")
parser.add_argument("--rounds", type=int, default=2, help="rounds of the two validations")
args = parser.parse_args(sys.argv[1:])
bench = Bench(env, args)
cr = env.cr
env = env(context=dict(env.context, tracking_disable=True))
bench.env = env

StockMove = type(env["stock.move"])
bridge_sync = StockMove._sync_after_sales_equipment
bridge = {"seconds": 0.0, "queries": 0}


def timed_sync(self):
    """The bridge's work inside the validation, timed with its own writes flushed
    (Odoo's pending writes flushed before the clock starts: they are Odoo's)."""
    self.env.flush_all()
    queries, start = self.env.cr.sql_log_count, time.perf_counter()
    bridge_sync(self)
    self.env.flush_all()
    bridge["seconds"] += time.perf_counter() - start
    bridge["queries"] += self.env.cr.sql_log_count - queries


def switch(on):
    StockMove._sync_after_sales_equipment = timed_sync if on else (lambda self: None)


company = env.company
user = env.ref("base.user_admin")
partner = env["res.partner"].create({"name": "Bench Stock Customer", "email": "b@example.com"})
product = env["product.product"].create(
    {
        "name": "Bench Serial Machine",
        "type": "consu",
        "is_storable": True,
        "tracking": "serial",
        "list_price": 100,
    }
)
product.product_tmpl_id.write(
    {
        "service_track_equipment": True,
        "service_warranty_months": 24,
        "service_maintenance_months": 12,
    }
)
env["service.followup.plan"].search([]).active = False
env["service.followup.plan"].create(
    {
        "name": "Bench: maintenance",
        # A yearly maintenance: each piece delivered gets its reminder planned.
        "step_ids": [
            (0, 0, {"name": "Maintenance", "equipment_recurring": True, "delay_count": 365})
        ],
    }
)
stock = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1).lot_stock_id
serial = iter(range(10**7))


def deliveries(count):
    """``count`` confirmed orders of one serial each, their delivery ready: the
    serial of each entered on its operation and picked, as a warehouse worker
    scans it (setup, not measured). (Odoo's reservation of serials from stock
    would cost its setup more than the validation measured.)"""
    print(f"  (setup: {count} orders, their serials in stock, entered)", flush=True)
    orders = bench.create_orders(count, partner, product, user)
    lots = env["stock.lot"].create(
        [{"name": f"BENCH-{next(serial):07d}", "product_id": product.id} for _ in range(count)]
    )
    for lot in lots:
        env["stock.quant"]._update_available_quantity(product, stock, 1, lot_id=lot)
    pickings = orders.picking_ids
    moves = pickings.move_ids
    assert len(pickings) == count == len(moves), "one delivery of one move per order"
    env["stock.move.line"].create(
        [
            {
                "move_id": move.id,
                "picking_id": move.picking_id.id,
                "product_id": product.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
            }
            for move, lot in zip(moves, lots, strict=True)
        ]
    )
    moves.picked = True
    env.flush_all()
    cr.commit()
    env.invalidate_all()
    return env["stock.picking"].browse(pickings.ids)


def validate(pickings, label, bridge_on):
    switch(bridge_on)
    bridge.update(seconds=0.0, queries=0)
    with bench.measure(label, len(pickings)) as figures:
        result = pickings.button_validate()
    assert result is True, f"validated without a wizard: {result}"
    assert all(p.state == "done" for p in pickings)
    figures["bridge_seconds"], figures["bridge_queries"] = bridge["seconds"], bridge["queries"]
    return figures


print(f"\n== pieces from {args.serials} delivered serials (one delivery per order)", flush=True)
validate(deliveries(20), "warm-up, Odoo alone", False)
validate(deliveries(20), "warm-up, with the bridge", True)
small = validate(deliveries(100), "100 deliveries with the bridge", True)
rounds = []
for number in range(1, args.rounds + 1):
    alone_pickings, bridge_pickings = deliveries(args.serials), deliveries(args.serials)
    pair = [None, None]
    # In turns: which one runs first changes each round.
    for on in (number % 2 == 0, number % 2 != 0):
        pickings = bridge_pickings if on else alone_pickings
        label = f"round {number}: {args.serials} deliveries, " + (
            "with the bridge" if on else "Odoo alone"
        )
        pair[on] = validate(pickings, label, on)
    alone, with_bridge = pair
    pieces = env["service.equipment"].search_count(
        [("lot_id", "in", bridge_pickings.move_line_ids.lot_id.ids)]
    )
    assert pieces == args.serials, f"{pieces} pieces for {args.serials} serials"
    assert not env["service.equipment"].search_count(
        [("lot_id", "in", alone_pickings.move_line_ids.lot_id.ids)]
    )
    own = with_bridge["bridge_seconds"]
    odoo = with_bridge["seconds"] - own
    rounds.append((own / odoo, (with_bridge["seconds"] - alone["seconds"]) / alone["seconds"]))
    print(
        f"  the bridge's own work: {own:.2f} s, {with_bridge['bridge_queries']} queries; "
        f"Odoo's validation around it: {odoo:.2f} s; Odoo alone: {alone['seconds']:.2f} s"
    )
    print(
        f"  added: {100 * rounds[-1][0]:.1f} % of Odoo's validation (timed inside), "
        f"{100 * rounds[-1][1]:.1f} % against Odoo alone",
        flush=True,
    )
del StockMove._sync_after_sales_equipment

inside = statistics.median(r[0] for r in rounds)
against = statistics.median(r[1] for r in rounds)
print(
    f"\nbridge: {small['bridge_queries']} queries for 100 deliveries, "
    f"{with_bridge['bridge_queries']} for {args.serials} (constant per batch)"
)
print(
    f"time the bridge adds to validating {args.serials} deliveries: {100 * inside:.1f} % of "
    f"Odoo's validation (median of {len(rounds)} rounds; {100 * against:.1f} % against the "
    "validation with the bridge switched off); goal <= 20 %"
)
