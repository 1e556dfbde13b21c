"""Equipment (``make bench --equipment-pieces N``): creating the pieces of many
confirmed orders in one statement, then their maintenance reminders planned,
carried out by the scheduled action in its batches, and rolled forward."""

from dateutil.relativedelta import relativedelta

from odoo import fields


def equipment(bench, partner, user):
    """Equipment: creating the pieces of many confirmed orders (5 units each),
    then their maintenance reminders planned, carried out by the scheduled
    action in its batches, and rolled forward when done."""
    print()
    env, cr, args, measure = bench.env, bench.cr, bench.args, bench.measure
    Followup = env["service.followup"]
    pieces_count = args.equipment_pieces
    product = env["product.product"].create({"name": "Bench Machine", "list_price": 100})
    # Confirmed while the product is not tracked yet: no equipment.
    orders = bench.create_orders(pieces_count // 5, partner, product, user, quantity=5)
    product.product_tmpl_id.write(
        {
            "service_track_equipment": True,
            "service_warranty_months": 24,
            "service_maintenance_months": 12,
        }
    )
    env["service.followup.plan"].create(
        {
            "name": "Bench: maintenance",
            "step_ids": [
                (0, 0, {"name": "Maintenance", "equipment_recurring": True, "delay_count": 0}),
            ],
        }
    )
    cr.commit()
    for subset in (orders[: len(orders) // 10], orders[len(orders) // 10 :]):
        with measure(
            f"equipment of {len(subset)} orders (5 units each)", len(subset) * 5
        ) as figures:
            subset._create_equipment()
        print(f"  {figures['queries']} queries")
    pieces = orders.equipment_ids
    today = fields.Date.context_today(pieces)
    with measure(f"maintenance due today on {len(pieces)} pieces: reminders", len(pieces)):
        pieces.write({"date_start": today - relativedelta(months=12)})
    reminders = Followup.search([("equipment_id", "in", pieces.ids), ("state", "=", "planned")])
    assert len(reminders) == len(pieces), f"{len(reminders)} reminders for {len(pieces)} pieces"
    with measure(f"scheduled action (batches of {args.batch_size})", len(reminders)) as figures:
        Followup._cron_process_due(batch_size=args.batch_size)
    due = Followup.search_count([("id", "in", reminders.ids), ("state", "=", "due")])
    print(f"  {due} reminders due, {figures['queries'] / len(reminders):.2f} queries each")
    with measure(f"maintenance done on {len(pieces)} pieces: rolled forward", len(pieces)):
        for start in range(0, len(reminders), args.batch_size):
            reminders[start : start + args.batch_size]._close()
    following = Followup.search_count(
        [("equipment_id", "in", pieces.ids), ("state", "=", "planned")]
    )
    print(f"  {following} reminders planned a year later, one per piece")
