package io.dealsetl.domain.usecase;

import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.port.ApiKeyRepository;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    final Map<String, ApiKey> stored = new ConcurrentHashMap<>();
    final ApiKeyRepository repo = new ApiKeyRepository() {
        @Override
        public void save(ApiKey key) {
            stored.values().removeIf(k -> k.id().equals(key.id()));
            stored.put(key.keyHash(), key);
        }

        @Override
        public Optional<ApiKey> findByHash(String keyHash) {
            return Optional.ofNullable(stored.get(keyHash));
        }

        @Override
        public void replaceSeed(ApiKey seed) {
            stored.values().removeIf(k -> k.id().startsWith(ApiKeys.SEED_PREFIX));
            save(seed);
        }

        @Override
        public long count() {
            return stored.size();
        }
    };
    final ApiKeys keys = new ApiKeys(repo, Clock.systemUTC());

    @Test
    void an_issued_key_authenticates_and_only_its_hash_is_stored() {
        ApiKeys.Issued issued = keys.create("ci", Set.of(Permission.SCANS_READ), TenantScope.of(Set.of("acme")));

        assertThat(keys.authenticate(issued.plainText())).contains(issued.key());
        assertThat(stored.values()).allSatisfy(k -> assertThat(k.toString() + k.keyHash())
                .doesNotContain(issued.plainText()));
        assertThat(issued.toString()).doesNotContain(issued.plainText());
        assertThat(keys.authenticate(issued.plainText() + "x")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
    }

    @Test
    void none_exist_until_one_is_seeded_or_created() {
        assertThat(keys.noneExist()).isTrue();

        keys.seed("local-dev-key");

        assertThat(keys.noneExist()).isFalse();
    }

    @Test
    void a_seeded_key_may_do_everything_for_every_tenant() {
        keys.seed("local-dev-key");

        ApiKey key = keys.authenticate("local-dev-key").orElseThrow();
        assertThat(key.permissions()).containsExactlyInAnyOrder(Permission.values());
        assertThat(key.scope().allows("anyone")).isTrue();
    }

    @Test
    void seeding_a_new_key_revokes_the_previous_seed_but_not_issued_keys() {
        keys.seed("first-seed");
        ApiKeys.Issued issued = keys.create("ci", Set.of(Permission.SCANS_READ), TenantScope.ALL);
        assertThat(keys.authenticate("first-seed")).isPresent();

        keys.seed("second-seed");

        assertThat(keys.authenticate("first-seed")).isEmpty();
        assertThat(keys.authenticate("second-seed")).isPresent();
        assertThat(keys.authenticate(issued.plainText())).isPresent();
    }

    @Test
    void a_key_revoked_by_another_instance_stops_working_once_no_longer_trusted() {
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        ApiKeys here = new ApiKeys(repo, clock);
        ApiKeys.Issued issued = here.create("ci", Set.of(Permission.SCANS_READ), TenantScope.ALL);
        assertThat(here.authenticate(issued.plainText())).isPresent();

        stored.clear(); // as another instance seeding its key would have it
        now[0] = now[0].plus(ApiKeys.TRUSTED_FOR).minusMillis(1);
        assertThat(here.authenticate(issued.plainText())).isPresent();
        now[0] = now[0].plusMillis(1);
        assertThat(here.authenticate(issued.plainText())).isEmpty();
        assertThat(here.authenticate("never-issued")).isEmpty();
    }

    @Test
    void a_scoped_key_allows_only_its_tenants() {
        TenantScope scope = TenantScope.of(Set.of("acme"));

        assertThat(scope.allows("acme")).isTrue();
        assertThat(scope.allows("globex")).isFalse();
    }
}
