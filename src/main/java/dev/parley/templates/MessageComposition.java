package dev.parley.templates;

import dev.parley.contacts.Contact;
import dev.parley.contacts.Contacts;
import dev.parley.core.Failure;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.MessageComposer;

/**
 * Composes {@code POST /v1/messages}: the recipient from {@code to} or the contact's address on the channel
 * (a {@code to} that is a contact's address links the message to that contact too),
 * the content from a stored template or the inline content, rendered with the contact's fields and
 * {@code data} (inline content is a template too: {@code {{code}}} with {@code data.code}). The rendered
 * text must still fit the channel's limits.
 */
public final class MessageComposition implements MessageComposer {
    private final Templates templates;
    private final Contacts contacts;

    public MessageComposition(Templates templates, Contacts contacts) {
        this.templates = templates;
        this.contacts = contacts;
    }

    @Override
    public Composed compose(TenantHandle th, Request r) {
        Contact contact = null;
        String to = r.to();
        if (r.contactId() != null) {
            try {
                contact = contacts.get(th, r.contactId());
            } catch (Failure.NotFound e) {
                throw new Failure.Invalid("contactId", "invalid", "no contact " + r.contactId() + " in this tenant");
            }
            to = r.channel().equals("sms") ? contact.phone() : contact.email();
            if (to == null) {
                throw new Failure.Invalid("contactId", "noAddress", "the contact has no " + (r.channel().equals("sms") ? "phone" : "email"));
            }
        }
        if (contact == null) {
            // A message to an address that belongs to a contact is that contact's: linked, and its fields usable.
            contact = contacts.idByAddress(th, r.channel(), to).map(id -> contacts.get(th, id)).orElse(null);
        }
        CompiledContent compiled;
        if (r.templateId() != null) {
            MessageTemplate template;
            try {
                template = templates.get(th, r.templateId());
            } catch (Failure.NotFound e) {
                throw new Failure.Invalid("templateId", "invalid", "no template " + r.templateId() + " in this tenant");
            }
            if (!template.channel().equals(r.channel())) {
                throw new Failure.Invalid("templateId", "invalid", "the template is for " + template.channel() + ", not " + r.channel());
            }
            compiled = CompiledContent.compile(template.content());
        } else {
            compiled = Templates.checkContent(r.channel(), new Content(r.subject(), r.text(), r.html()), "content.");
        }
        java.util.Map<String, Object> data = r.data() == null ? java.util.Map.of() : r.data();
        Rendered out = compiled.render(contact == null ? Variables.of(data) : Variables.of(contact, data));
        int segments = 1;
        if (r.channel().equals("sms")) {
            if (out.text() == null || out.text().isBlank()) {
                throw new Failure.Invalid("content.text", "empty", "the SMS renders to empty text");
            }
            segments = Math.max(1, SmsEncoding.count(out.text()).segments());
        }
        return new Composed(to, contact == null ? null : contact.id(), out.subject(), out.text(), out.html(), segments);
    }
}
