package dev.parley.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contacts.Contact;
import dev.parley.core.Failure;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateTest {
    static final Contact ADA = new Contact("ctc_01JD0000000000000000000000", "+447700900123", "ada@example.com", "Ada",
            "Lovelace", "Europe/London", "en-GB", Map.of("plan", "gold", "city", "London", "Plan Type", "annual"),
            List.of(), Map.of(), Instant.EPOCH, Instant.EPOCH);

    static String text(String source, Variables values) {
        return Template.compile("text", source).render(values, new LinkedHashSet<>());
    }

    static String html(String source, Variables values) {
        return Template.compile("html", source).render(values, true, new LinkedHashSet<>());
    }

    static Failure.Invalid syntaxError(String field, String source) {
        try {
            Template.compile(field, source);
        } catch (Failure.Invalid e) {
            assertThat(e.errors()).hasSize(1);
            assertThat(e.errors().getFirst().field()).isEqualTo(field);
            assertThat(e.errors().getFirst().code()).isEqualTo("syntax");
            return e;
        }
        throw new AssertionError("expected a syntax error for: " + source);
    }

    @Test
    void contactFieldsAndAttributesFillTheirVariables() {
        Variables ada = Variables.of(ADA, Map.of());
        assertThat(text("Hi {{firstName}} {{ lastName }}, your {{attributes.plan}} plan ({{ attributes.\"Plan Type\" }})"
                + " reaches {{phone}} and {{email}} in {{timezone}}/{{locale}}", ada))
                .isEqualTo("Hi Ada Lovelace, your gold plan (annual) reaches +447700900123 and ada@example.com in Europe/London/en-GB");
    }

    @Test
    void dataOverridesTheContactPathByPath() {
        Variables v = Variables.of(ADA, Map.of("firstName", "Bea", "attributes", Map.of("plan", "silver"),
                "order", Map.of("id", "A-17", "total", 12.5, "items", 3, "whole", 3.0, "paid", true)));
        assertThat(text("{{firstName}}: {{attributes.plan}} in {{attributes.city}}; order {{order.id}} {{order.total}}"
                + " {{order.items}} {{order.whole}} {{order.paid}}", v))
                .isEqualTo("Bea: silver in London; order A-17 12.5 3 3 true");
    }

    @Test
    void defaultsApplyWhenAValueIsMissingNullEmptyOrNotPrintable() {
        Map<String, Object> data = new java.util.HashMap<>();
        data.put("empty", "");
        data.put("nothing", null);
        data.put("object", Map.of("a", 1));
        data.put("list", List.of(1, 2));
        data.put("name", "Zoë");
        String out = text("{{ missing | \"there\" }} {{empty|\"e\"}} {{nothing | \"n\"}} {{object | \"o\"}} {{list|\"l\"}}"
                + " {{name | \"unused\"}} {{missing | \"say \\\"hi\\\" \\\\o/\"}} {{missing | \"\"}}.", Variables.of(data));
        assertThat(out).isEqualTo("there e n o l Zoë say \"hi\" \\o/ .");
    }

    @Test
    void unknownVariablesRenderEmptyAndAreListedOnceInOrder() {
        CompiledContent c = CompiledContent.compile(new Content("For {{ lastName }}", "Hi {{firstName}} {{attributes.tier}}"
                + " {{firstName}} {{ nickname | \"friend\" }}", "<p>{{attributes.tier}} {{coupon}}</p>"));
        Rendered r = c.render(Variables.of(Map.of("lastName", "Ng")));
        assertThat(r.subject()).isEqualTo("For Ng");
        assertThat(r.text()).isEqualTo("Hi    friend");
        assertThat(r.html()).isEqualTo("<p> </p>");
        assertThat(r.unknownVariables()).containsExactly("firstName", "attributes.tier", "coupon");
        assertThat(c.variables()).containsExactly("lastName", "firstName", "attributes.tier", "nickname", "coupon");
    }

    @Test
    void valuesAreEscapedInHtmlAndRawInTextAndSubject() {
        Variables v = Variables.of(Map.of("name", "<b>Tom & \"Jerry\"</b> it's"));
        CompiledContent c = CompiledContent.compile(new Content("Re: {{name}}", "Dear {{name}}",
                "<p class=\"x\">Dear {{name}} &amp; {{ missing | \"<i>you</i>\" }}</p>"));
        Rendered r = c.render(v);
        assertThat(r.text()).isEqualTo("Dear <b>Tom & \"Jerry\"</b> it's");
        assertThat(r.subject()).isEqualTo("Re: <b>Tom & \"Jerry\"</b> it's");
        assertThat(r.html()).isEqualTo("<p class=\"x\">Dear &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; it&#39;s &amp;"
                + " &lt;i&gt;you&lt;/i&gt;</p>");
    }

    @Test
    void aSubjectStaysOnOneLineWhateverTheValues() {
        Rendered r = CompiledContent.compile(new Content("Hello {{name}}", "x", null))
                .render(Variables.of(Map.of("name", "Ada\r\nBcc: everyone@example.com")));
        assertThat(r.subject()).isEqualTo("Hello Ada Bcc: everyone@example.com");
    }

    @Test
    void aValueThatLooksLikeATemplateIsPrintedNotRendered() {
        Variables v = Variables.of(ADA, Map.of("note", "{{phone}} {{#each x}}{{> partial}}"));
        assertThat(text("{{note}}", v)).isEqualTo("{{phone}} {{#each x}}{{> partial}}");
    }

    @Test
    void escapedOpeningBracesAndStrayClosingBracesAreText() {
        assertThat(text("Write \\{{firstName}} to get {{firstName}}. CSS: @media x { a { color: red }}", Variables.of(ADA, null)))
                .isEqualTo("Write {{firstName}} to get Ada. CSS: @media x { a { color: red }}");
        assertThat(text("Hello, no variables here.", Variables.NONE)).isEqualTo("Hello, no variables here.");
    }

    @Test
    void syntaxErrorsNameTheFieldLineAndColumn() {
        assertThat(syntaxError("text", "Hi {{ firstName").getMessage())
                .isEqualTo("text: unclosed {{ (a variable must end with }} on the same line; write \\{{ for literal braces)"
                        + " at line 1, column 4");
        assertThat(syntaxError("html", "<p>one</p>\n<p>Hello {{ name\n}}</p>").getMessage()).contains("unclosed {{")
                .endsWith("at line 2, column 10");
        assertThat(syntaxError("subject", "Hi {{ }}").getMessage()).startsWith("subject: empty variable name")
                .endsWith("at line 1, column 4");
        assertThat(syntaxError("text", "Hi {{firstName | there}}").getMessage())
                .contains("a default must be a quoted string").endsWith("at line 1, column 18");
        assertThat(syntaxError("text", "Hi {{firstName | }}").getMessage()).contains("a default must be a quoted string");
        assertThat(syntaxError("text", "Hi {{firstName | \"there}}").getMessage())
                .contains("unclosed quoted default").endsWith("at line 1, column 18");
        assertThat(syntaxError("text", "Hi {{firstName | \"a\\nb\"}}").getMessage()).contains("unknown escape");
        assertThat(syntaxError("text", "Hi {{first name}}").getMessage()).contains("unexpected 'n'")
                .endsWith("at line 1, column 12");
        assertThat(syntaxError("text", "Hi {{attributes.}}").getMessage()).endsWith("at line 1, column 17");
        assertThat(syntaxError("text", "\r\n\r\n  {{ 1st }}").getMessage()).contains("unexpected '1'")
                .endsWith("at line 3, column 6");
    }

    @Test
    void columnsCountCharactersNotUtf16Units() {
        assertThat(syntaxError("text", "👍👍 {{").getMessage()).endsWith("at line 1, column 4");
    }

    @Test
    void mustacheLogicIsASyntaxErrorNeverExecuted() {
        for (String source : List.of("{{#each items}}x{{/each}}", "{{> partial}}", "{{=<% %>=}}", "{{{firstName}}}",
                "{{/x}}", "{{^x}}", "{{! comment }}", "{{&firstName}}", "{{ firstName() }}", "{{ a[0] }}",
                "{{ firstName | upper }}", "{{ T(java.lang.Runtime).getRuntime() }}", "{{ 'single' }}")) {
            Failure.Invalid e = syntaxError("text", source);
            assertThat(e.getMessage()).as(source).contains("at line 1, column");
        }
    }

    @Test
    void variableNamesAreBounded() {
        assertThat(syntaxError("text", "{{a.b.c.d.e.f.g.h.i.j.k}}").getMessage()).contains("at most 10 parts");
        assertThat(syntaxError("text", "{{" + "x".repeat(101) + "}}").getMessage()).contains("1 to 100 characters");
        assertThatThrownBy(() -> Template.compile("text", "{{a}}".repeat(Template.MAX_VARIABLES + 1)))
                .isInstanceOf(Failure.Invalid.class).hasMessageContaining("too many variables");
        assertThatThrownBy(() -> Template.compile("html", "x".repeat(Template.MAX_SOURCE + 1)))
                .isInstanceOf(Failure.Invalid.class).hasMessageContaining("at most");
    }

    @Test
    void renderedOutputIsBounded() {
        Template t = Template.compile("html", "{{v}}".repeat(10_000));
        Variables big = Variables.of(Map.of("v", "x".repeat(300)));
        assertThatThrownBy(() -> t.render(big, true, new LinkedHashSet<>()))
                .isInstanceOf(Failure.Invalid.class).hasMessageContaining("html would render longer than");
    }

    @Test
    void errorsInSeveralFieldsAreReportedTogether() {
        assertThatThrownBy(() -> CompiledContent.compile(new Content("{{", "fine", "<p>{{#if}}</p>"), "content."))
                .isInstanceOfSatisfying(Failure.Invalid.class, e -> assertThat(e.errors())
                        .extracting(Failure.FieldError::field).containsExactly("content.subject", "content.html"));
    }

    @Test
    void oneCompiledTemplateRendersForManyRecipients() {
        CompiledContent c = CompiledContent.compile(new Content(null, "Hi {{ firstName | \"there\" }}", null));
        Set<String> seen = new LinkedHashSet<>();
        for (String name : List.of("Ada", "", "Grace")) {
            seen.add(c.render(Variables.of(Map.of("firstName", name))).text());
        }
        assertThat(seen).containsExactly("Hi Ada", "Hi there", "Hi Grace");
    }
}
