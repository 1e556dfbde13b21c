{
    "name": "After-Sales Service",
    "summary": "Customer service history, automated post-sale follow-ups "
    "and a checked handover from sales to the service department",
    "version": "19.0.1.0.0",
    "category": "Sales/After-Sales",
    "website": "https://github.com/sale-after-sales/sale_after_sales",
    "author": "After-Sales Service contributors",
    "license": "LGPL-3",
    "depends": ["sale_management"],
    "data": [
        "security/sale_after_sales_security.xml",
        "security/ir.model.access.csv",
        "data/service_history_type_data.xml",
        "views/service_history_type_views.xml",
        "views/service_history_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/sale_after_sales_demo.xml",
    ],
    "application": True,
    "installable": True,
}
