package io.dealsetl.postgres;

import static io.dealsetl.postgres.PostgresScanRepository.guarded;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.port.ScheduleRepository;
import io.dealsetl.domain.port.UnreadableTokenException;
import io.dealsetl.domain.schedule.Schedule;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Schedules in PostgreSQL, their tokens sealed by {@link TokenCipher}; see the port for the contract. Thread-safe. */
final class PostgresScheduleRepository implements ScheduleRepository {
    private static final Logger log = LoggerFactory.getLogger(PostgresScheduleRepository.class);

    private final Jdbi jdbi;
    private final TokenCipher cipher;

    PostgresScheduleRepository(Jdbi jdbi, TokenCipher cipher) {
        this.jdbi = jdbi;
        this.cipher = cipher;
    }

    @Override
    public Optional<Schedule> insert(Schedule schedule, AccessToken token) {
        String sealed = cipher.encrypt(token.value());
        return guarded(() -> jdbi.withHandle(h -> ScheduleRows.bind(h.createQuery(
                        "INSERT INTO schedules (" + ScheduleRows.COLUMNS + ", token_ciphertext) VALUES ("
                                + ScheduleRows.VALUES + ", :token) ON CONFLICT (tenant_id) DO NOTHING RETURNING *"),
                        schedule)
                .bind("token", sealed)
                .map(ScheduleRows.MAPPER).findOne()));
    }

    @Override
    public Optional<Schedule> update(Schedule next, AccessToken token) {
        String sealed = token == null ? null : cipher.encrypt(token.value());
        return guarded(() -> jdbi.withHandle(h -> ScheduleRows.bind(h.createQuery("UPDATE schedules SET "
                        + ScheduleRows.ASSIGNMENTS + """
                        , token_ciphertext = coalesce(:token, token_ciphertext), version = version + 1
                        WHERE tenant_id = :tenantId AND version = :version
                        RETURNING *"""), next)
                .bind("token", sealed)
                .map(ScheduleRows.MAPPER).findOne()));
    }

    @Override
    public Optional<Schedule> find(String tenantId) {
        return guarded(() -> jdbi.withHandle(h -> h.createQuery("SELECT * FROM schedules WHERE tenant_id = :tenant")
                .bind("tenant", tenantId).map(ScheduleRows.MAPPER).findOne()));
    }

    @Override
    public List<Schedule> list(TenantScope scope) {
        return guarded(() -> jdbi.withHandle(h -> scope.all()
                ? h.createQuery("SELECT * FROM schedules ORDER BY tenant_id").map(ScheduleRows.MAPPER).list()
                : h.createQuery("SELECT * FROM schedules WHERE tenant_id = ANY(:tenants) ORDER BY tenant_id")
                        .bindArray("tenants", String.class, scope.tenants())
                        .map(ScheduleRows.MAPPER).list()));
    }

    @Override
    public boolean delete(String tenantId) {
        return guarded(() -> jdbi.withHandle(h -> h.createUpdate("DELETE FROM schedules WHERE tenant_id = :tenant")
                .bind("tenant", tenantId).execute() == 1));
    }

    @Override
    public Optional<AccessToken> token(String tenantId) {
        Optional<String> stored = guarded(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT token_ciphertext FROM schedules WHERE tenant_id = :tenant")
                .bind("tenant", tenantId).mapTo(String.class).findOne()));
        if (stored.isEmpty()) return Optional.empty();
        TokenCipher.Opened opened;
        try {
            opened = cipher.open(stored.get());
        } catch (IllegalStateException e) {
            throw new UnreadableTokenException("the schedule's stored HubSpot token cannot be decrypted with "
                    + "TOKEN_ENCRYPTION_KEY (or TOKEN_ENCRYPTION_KEY_PREVIOUS); set the token again");
        }
        if (!opened.current()) reseal(tenantId, stored.get(), opened.plainText());
        return Optional.of(new AccessToken(opened.plainText()));
    }

    /** Seals a token read with the previous key with the current one, unless it changed meanwhile. */
    private void reseal(String tenantId, String old, String plainText) {
        int updated = guarded(() -> jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE schedules SET token_ciphertext = :sealed
                        WHERE tenant_id = :tenant AND token_ciphertext = :old""")
                .bind("sealed", cipher.encrypt(plainText)).bind("tenant", tenantId).bind("old", old).execute()));
        if (updated == 1) log.info("schedule of tenant {}: token re-encrypted with the current key", tenantId);
    }
}
