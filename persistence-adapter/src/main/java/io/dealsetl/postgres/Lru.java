package io.dealsetl.postgres;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A small least-recently-used cache bounded by the total weight of its values (e.g. deals held), for values that
 * never change once computed. Thread-safe; a value computed twice by racing callers is harmless.
 */
final class Lru<K, V> {
    private final LinkedHashMap<K, V> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final ToIntFunction<V> weigher;
    private final long maxWeight;
    private long weight;

    Lru(long maxWeight, ToIntFunction<V> weigher) {
        this.maxWeight = maxWeight;
        this.weigher = weigher;
    }

    synchronized V get(K key) {
        return entries.get(key);
    }

    synchronized void put(K key, V value) {
        V old = entries.put(key, value);
        if (old != null) weight -= weigher.applyAsInt(old);
        weight += weigher.applyAsInt(value);
        Iterator<Map.Entry<K, V>> eldest = entries.entrySet().iterator();
        while (weight > maxWeight && entries.size() > 1 && eldest.hasNext()) {
            Map.Entry<K, V> e = eldest.next();
            if (e.getKey().equals(key)) continue;
            weight -= weigher.applyAsInt(e.getValue());
            eldest.remove();
        }
    }
}
