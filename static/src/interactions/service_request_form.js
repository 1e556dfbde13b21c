import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

import { addLoadingEffect } from "@web/core/utils/ui";

/**
 * The customer's service request is sent once: a second click (or a double
 * click) while the first is on its way would record the request twice. The
 * button shows that it is sending, as Odoo's sign-up form does.
 */
export class ServiceRequestForm extends Interaction {
    static selector = ".o_saa_service_request_form";
    dynamicContent = {
        _root: { "t-on-submit": this.onSubmit },
    };

    onSubmit(ev) {
        if (this.sending) {
            ev.preventDefault();
            return;
        }
        this.sending = true;
        const submitEl = this.el.querySelector('button[type="submit"]');
        if (submitEl) {
            this.registerCleanup(addLoadingEffect(submitEl));
        }
    }
}

registry
    .category("public.interactions")
    .add("sale_after_sales.service_request_form", ServiceRequestForm);
