package io.github.memcachedserver.server;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.tracing.test.simple.SimpleSpan;

/**
 * Prints finished spans as a tree, children indented under their parents, each with its tags
 * in name order: what a tracing backend would show, in a form a test can compare.
 */
final class SpanTree {

	private SpanTree() {
	}

	static String render(Collection<SimpleSpan> spans) {
		List<SimpleSpan> ordered = spans.stream().sorted(Comparator.comparing(SimpleSpan::getStartTimestamp)).toList();
		StringBuilder out = new StringBuilder();
		for (SimpleSpan span : ordered) {
			if (span.getParentId() == null || span.getParentId().isEmpty()
					|| ordered.stream().noneMatch((other) -> other.getSpanId().equals(span.getParentId()))) {
				render(span, ordered, "", out);
			}
		}
		return out.toString();
	}

	private static void render(SimpleSpan span, List<SimpleSpan> spans, String indent, StringBuilder out) {
		Map<String, String> tags = new TreeMap<>(span.getTags());
		out.append(indent).append(span.getName());
		if (!tags.isEmpty()) {
			out.append(' ').append(tags);
		}
		out.append('\n');
		for (SimpleSpan child : spans) {
			if (span.getSpanId().equals(child.getParentId())) {
				render(child, spans, indent + "  ", out);
			}
		}
	}

}
