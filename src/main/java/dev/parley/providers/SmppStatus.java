package dev.parley.providers;

import dev.parley.providers.SendResult.ErrorClass;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a non-zero SMPP {@code command_status} in answer to {@code submit_sm} means for the message
 * (docs/providers.md, {@code smpp}). A negative {@code submit_sm_resp} or a {@code generic_nack} is a
 * documented non-acceptance, so every status here is a {@link SendResult.Rejected}: busy SMSCs are
 * {@code TRANSIENT}, bind and account problems {@code PROVIDER}, everything else (destination, source,
 * content, vendor-specific codes) {@code PERMANENT}, as the {@code http} adapter treats an unlisted 4xx.
 */
final class SmppStatus {
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x01, "ESME_RINVMSGLEN"), Map.entry(0x02, "ESME_RINVCMDLEN"), Map.entry(0x03, "ESME_RINVCMDID"),
            Map.entry(0x04, "ESME_RINVBNDSTS"), Map.entry(0x05, "ESME_RALYBND"), Map.entry(0x08, "ESME_RSYSERR"),
            Map.entry(0x0A, "ESME_RINVSRCADR"), Map.entry(0x0B, "ESME_RINVDSTADR"), Map.entry(0x0D, "ESME_RBINDFAIL"),
            Map.entry(0x0E, "ESME_RINVPASWD"), Map.entry(0x0F, "ESME_RINVSYSID"), Map.entry(0x14, "ESME_RMSGQFUL"),
            Map.entry(0x15, "ESME_RINVSERTYP"), Map.entry(0x43, "ESME_RINVESMCLASS"), Map.entry(0x45, "ESME_RSUBMITFAIL"),
            Map.entry(0x48, "ESME_RINVSRCTON"), Map.entry(0x49, "ESME_RINVSRCNPI"), Map.entry(0x50, "ESME_RINVDSTTON"),
            Map.entry(0x51, "ESME_RINVDSTNPI"), Map.entry(0x53, "ESME_RINVSYSTYP"), Map.entry(0x58, "ESME_RTHROTTLED"),
            Map.entry(0x61, "ESME_RINVSCHED"), Map.entry(0x62, "ESME_RINVEXPIRY"), Map.entry(0x64, "ESME_RX_T_APPN"),
            Map.entry(0xFF, "ESME_RUNKNOWNERR"), Map.entry(0x100, "ESME_RSERTYPUNAUTH"), Map.entry(0x101, "ESME_RPROHIBITED"),
            Map.entry(0x102, "ESME_RSERTYPUNAVAIL"), Map.entry(0x103, "ESME_RSERTYPDENIED"), Map.entry(0x104, "ESME_RINVDCS"));

    /** The SMSC is busy or had a passing fault; the message was not taken and may be tried again. */
    private static final Set<Integer> TRANSIENT = Set.of(0x08, 0x14, 0x45, 0x58, 0x64, 0xFF);
    /** The bind or the account is wrong; every message would fail until someone fixes it. */
    private static final Set<Integer> PROVIDER = Set.of(0x04, 0x05, 0x0D, 0x0E, 0x0F, 0x53, 0x100, 0x101, 0x102, 0x103);

    private SmppStatus() {}

    static SendResult.Rejected rejected(String command, int status) {
        ErrorClass errorClass = TRANSIENT.contains(status) ? ErrorClass.TRANSIENT
                : PROVIDER.contains(status) ? ErrorClass.PROVIDER : ErrorClass.PERMANENT;
        return new SendResult.Rejected(errorClass, code(status), command + " refused: " + describe(status), null);
    }

    /** {@code smpp-0x58}: the code a rejection carries. */
    static String code(int status) {
        return "smpp-0x" + Integer.toHexString(status).toUpperCase(Locale.ROOT);
    }

    /** {@code ESME_RTHROTTLED (0x58)}, or just the number for a status without a standard name. */
    static String describe(int status) {
        String hex = "0x" + Integer.toHexString(status).toUpperCase(Locale.ROOT);
        String name = NAMES.get(status);
        return name == null ? hex : name + " (" + hex + ")";
    }
}
