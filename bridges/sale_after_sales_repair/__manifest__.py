{
    "name": "After-Sales Service - Repairs",
    "summary": "Repair orders from the customer's equipment and cases, "
    "written into the service history when done",
    "version": "19.0.1.0.0",
    "category": "Sales/After-Sales",
    "website": "https://github.com/sale-after-sales/sale_after_sales",
    "author": "After-Sales Service contributors",
    "license": "LGPL-3",
    "depends": ["sale_after_sales", "repair"],
    "data": [
        "views/repair_order_views.xml",
        "views/service_equipment_views.xml",
        "views/service_history_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sale_after_sales_repair/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
}
