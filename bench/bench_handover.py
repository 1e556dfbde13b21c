"""The handover checks on many orders (``make bench --handover-orders N``)."""


def handover_checks(bench, orders):
    """All the handover checks on many orders: the queries do not grow with them.

    Each order gets a customer of its own, so the customers are read too.
    """
    print()
    env, cr, measure = bench.env, bench.cr, bench.measure
    Partner = env["res.partner"]
    country = env.ref("base.be")
    partners = Partner.create(
        [
            {
                "name": f"Bench Customer {index}",
                "email": f"customer{index}@example.com",
                "phone": f"+32 2 555 {index:05d}",
                "street": f"{index} Bench Street",
                "city": "Brussels",
                "country_id": country.id,
            }
            for index in range(len(orders))
        ]
    )
    orders.write({"handover_note": "<p>Bench</p>"})
    orders._workflow().write({"handover_state": "checking"})  # the workflow's own field
    env.flush_all()
    # Setup, not measured: a direct update, not the order's onchange cascade.
    cr.execute(
        """UPDATE sale_order SET partner_id = new.partner_id, partner_shipping_id = new.partner_id,
                                 partner_invoice_id = new.partner_id
             FROM unnest(%s::int[], %s::int[]) AS new(order_id, partner_id)
            WHERE sale_order.id = new.order_id""",
        [orders.ids, partners.ids],
    )
    env.invalidate_all()
    for count in (len(orders) // 10, len(orders)):
        subset = orders[:count]
        subset.handover_result_ids.unlink()
        env.flush_all()  # the setup above is not measured
        cr.commit()
        with measure(f"handover checks on {count} orders", count) as figures:
            subset._run_handover_checks()
        print(f"  {figures['queries']} queries for {len(subset.handover_result_ids)} results")
    subset[::2].write({"handover_note": False})
    env.flush_all()
    cr.commit()
    with measure(f"again, half of the {count} orders changed", count) as figures:
        subset._run_handover_checks()
    failed = subset.handover_result_ids.filtered(lambda r: r.state == "fail")
    print(f"  {figures['queries']} queries, {len(failed)} checks failing")
