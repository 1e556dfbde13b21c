{
    "name": "After-Sales Service: lifecycle test check",
    "summary": "Used by make test-lifecycle only: a built-in handover check added by "
    "another module, to check that uninstalling it archives its checks.",
    "version": "19.0.1.0.0",
    "category": "Hidden",
    "author": "After-Sales Service contributors",
    "website": "https://github.com/sale-after-sales/sale_after_sales",
    "license": "LGPL-3",
    "depends": ["sale_after_sales"],
    "installable": True,
}
