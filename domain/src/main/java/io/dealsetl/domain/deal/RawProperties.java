package io.dealsetl.domain.deal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A deal's raw properties: immutable, in the order HubSpot sent them, null values allowed. Two arrays rather
 * than a LinkedHashMap copy: a results page builds a hundred of these, and copying each into a LinkedHashMap
 * cost a seventh of the page's CPU. A deal has tens of properties, so looking one up by scanning is as fast as
 * hashing.
 */
final class RawProperties extends AbstractMap<String, String> {
    private static final RawProperties EMPTY = new RawProperties(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;

    private RawProperties(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    static RawProperties copyOf(Map<String, String> properties) {
        if (properties instanceof RawProperties raw) return raw;
        if (properties.isEmpty()) return EMPTY;
        String[] names = new String[properties.size()];
        String[] values = new String[names.length];
        int i = 0;
        for (Map.Entry<String, String> property : properties.entrySet()) {
            names[i] = property.getKey();
            values[i++] = property.getValue();
        }
        return new RawProperties(names, values);
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public String get(Object name) {
        int i = indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int i = 0; i < names.length; i++) action.accept(names[i], values[i]);
    }

    private int indexOf(Object name) {
        for (int i = 0; i < names.length; i++) {
            if (Objects.equals(names[i], name)) return i;
        }
        return -1;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return names.length;
            }

            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (next >= names.length) throw new NoSuchElementException();
                        Map.Entry<String, String> entry = new SimpleImmutableEntry<>(names[next], values[next]);
                        next++;
                        return entry;
                    }
                };
            }
        };
    }
}
