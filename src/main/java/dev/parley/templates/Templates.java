package dev.parley.templates;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.db.TenantHandle;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stored templates, and rendering for the delivery engine and campaigns.
 *
 * <p>For senders: {@link #render(TenantHandle, String, Variables)} renders one stored template for one
 * recipient. To render for many, compile once and render per recipient:
 * <pre>
 *   CompiledContent c = templates.compile(th, templateId);      // or CompiledContent.compile(inlineContent)
 *   for (Contact contact : audience) {
 *       Rendered r = c.render(Variables.of(contact, data));     // subject, text, html, unknownVariables
 *   }
 * </pre>
 * {@link Rendered#html()} is escaped, {@link Rendered#text()} and the subject are raw; for SMS pass the
 * text to {@link SmsEncoding#count} (and {@link SmsEncoding#smart} first, if the sender wants it).
 *
 * <p>What a reader could get wrong: a stored template always parses (it is checked when written), but
 * inline content from a request may not: {@link CompiledContent#compile} throws {@link Failure.Invalid}
 * naming the field and position, which the caller should let become a 400 before committing anything.
 */
public final class Templates {
    public static final Set<String> CHANNELS = Set.of("sms", "email");
    static final int MAX_NAME = 200;
    static final int MAX_SUBJECT = 998;
    static final int MAX_SMS_TEXT = 1_600;
    static final int MAX_EMAIL_TEXT = 100_000;
    static final int MAX_HTML = 500_000;

    private final Clock clock;
    private final TemplateStore store = new TemplateStore();

    public Templates(Clock clock) {
        this.clock = clock;
    }

    public MessageTemplate create(TenantHandle th, String name, String channel, Content content) {
        Checks checks = new Checks().required("name", name).maxLength("name", name, MAX_NAME)
                .required("channel", channel)
                .check(channel == null || CHANNELS.contains(channel), "channel", "invalid", "channel must be sms or email");
        checks.done();
        String cleanName = name.strip();
        checkContent(channel, content, "");
        if (store.nameTaken(th, cleanName, null)) {
            throw new Failure.Conflict("a template named '" + cleanName + "' already exists");
        }
        Instant now = clock.instant();
        MessageTemplate t = new MessageTemplate(Ids.next("tpl", clock), cleanName, channel, content.subject(), content.text(),
                content.html(), now, now);
        store.insert(th, t);
        return t;
    }

    public MessageTemplate get(TenantHandle th, String id) {
        return store.get(th, id).orElseThrow(() -> new Failure.NotFound("template"));
    }

    public List<MessageTemplate> list(TenantHandle th, Pages.Request page) {
        return store.list(th, page);
    }

    /**
     * Applies the non-null fields of {@code changes}; an empty string clears subject, text or html. The
     * result must still be a valid template of its channel, which cannot change.
     */
    public MessageTemplate patch(TenantHandle th, String id, String name, Content changes) {
        MessageTemplate current = get(th, id);
        new Checks().check(name == null || !name.isBlank(), "name", "required", "name cannot be blank")
                .maxLength("name", name, MAX_NAME).done();
        String newName = name == null ? current.name() : name.strip();
        Content merged = new Content(merge(current.subject(), changes.subject()), merge(current.text(), changes.text()),
                merge(current.html(), changes.html()));
        checkContent(current.channel(), merged, "");
        if (!newName.equals(current.name()) && store.nameTaken(th, newName, id)) {
            throw new Failure.Conflict("a template named '" + newName + "' already exists");
        }
        MessageTemplate updated = new MessageTemplate(id, newName, current.channel(), merged.subject(), merged.text(),
                merged.html(), current.createdAt(), clock.instant());
        store.update(th, updated);
        return get(th, id);
    }

    public void delete(TenantHandle th, String id) {
        if (store.delete(th, id) == 0) {
            throw new Failure.NotFound("template");
        }
    }

    /** The stored template compiled, to render for many recipients. */
    public CompiledContent compile(TenantHandle th, String templateId) {
        return CompiledContent.compile(get(th, templateId).content());
    }

    /** One stored template rendered for one recipient. */
    public Rendered render(TenantHandle th, String templateId, Variables values) {
        return compile(th, templateId).render(values);
    }

    /** As {@link #render(TenantHandle, String, Variables)} with values from {@code data} alone. */
    public Rendered render(TenantHandle th, String templateId, Map<String, Object> data) {
        return render(th, templateId, Variables.of(data));
    }

    /**
     * Checks content against its channel's rules and compiles it: SMS is text only; email has a subject and
     * text, HTML or both; sizes as for {@code POST /v1/messages}; every field parses. Field names in errors
     * start with {@code fieldPrefix}.
     */
    public static CompiledContent checkContent(String channel, Content c, String fieldPrefix) {
        Checks checks = new Checks();
        String subject = fieldPrefix + "subject";
        String text = fieldPrefix + "text";
        String html = fieldPrefix + "html";
        if ("sms".equals(channel)) {
            checks.check(c.text() != null && !c.text().isBlank(), text, "required", "an SMS template needs " + text);
            checks.check(c.subject() == null, subject, "invalid", "an SMS has no subject");
            checks.check(c.html() == null, html, "invalid", "an SMS has no html");
            checks.maxLength(text, c.text(), MAX_SMS_TEXT);
        } else if ("email".equals(channel)) {
            checks.check(c.subject() != null && !c.subject().isBlank(), subject, "required", "an email template needs " + subject);
            checks.check(notBlank(c.text()) || notBlank(c.html()), text, "required", "an email template needs " + text + " or " + html);
            checks.maxLength(subject, c.subject(), MAX_SUBJECT).maxLength(text, c.text(), MAX_EMAIL_TEXT)
                    .maxLength(html, c.html(), MAX_HTML);
        }
        checks.done();
        return CompiledContent.compile(c, fieldPrefix);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    /** The patched value: unchanged when absent, cleared when empty. */
    private static String merge(String current, String change) {
        if (change == null) {
            return current;
        }
        return change.isEmpty() ? null : change;
    }
}
