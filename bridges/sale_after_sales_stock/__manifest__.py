{
    "name": "After-Sales Service - Inventory",
    "summary": "Customer equipment from the serial numbers delivered: one piece per serial, "
    "its delivery, its return and its replacement",
    "version": "19.0.1.0.0",
    "category": "Sales/After-Sales",
    "website": "https://github.com/sale-after-sales/sale_after_sales",
    "author": "After-Sales Service contributors",
    "license": "LGPL-3",
    "depends": ["sale_after_sales", "sale_stock"],
    "data": [
        "views/service_equipment_views.xml",
        "views/stock_lot_views.xml",
        "views/service_portal_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sale_after_sales_stock/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
}
