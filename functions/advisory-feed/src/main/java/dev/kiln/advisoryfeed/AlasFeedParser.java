package dev.kiln.advisoryfeed;

import dev.kiln.common.AdvisoryPatterns;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an ALAS RSS feed with the JDK's own StAX parser, hardened: a document type declaration
 * (where XXE, external DTDs and entity expansion live) is refused outright, no DTD or entity is ever
 * loaded or expanded, and the document's size is bounded. An item that is not what ALAS publishes is
 * reported by its place and left out; the others are read.
 */
public final class AlasFeedParser {

    /** The whole AL2 feed, every advisory since 2017, is a few MB. */
    public static final int MAX_BYTES = 32 * 1024 * 1024;

    private static final Pattern TITLE = Pattern.compile("(" + AdvisoryPatterns.ID.pattern() + ") \\(([A-Za-z]+)\\): (.+)");
    private static final Pattern LINK = Pattern.compile("https?://[^/\\s]+/(?:[A-Za-z0-9]+/)?((?:" + AdvisoryPatterns.ID.pattern() + ")\\.html)");

    private static final XMLInputFactory FACTORY = hardenedFactory();

    /** What a feed holds: its advisories, and what could not be read (one line per item). */
    public record ParsedFeed(List<FeedItem> items, List<String> problems) {
    }

    private AlasFeedParser() {
    }

    static XMLInputFactory hardenedFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("refused to resolve " + systemId);
        });
        return factory;
    }

    public static ParsedFeed parse(byte[] document, AmazonLinux feed) {
        if (document.length > MAX_BYTES) {
            throw new MalformedFeedException("the " + feed.feedPath() + " feed is " + document.length + " bytes, over the "
                    + MAX_BYTES + " Kiln reads");
        }
        List<FeedItem> items = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(document));
            boolean sawRss = false;
            Map<String, StringBuilder> item = null;
            String field = null;
            int position = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD -> throw new MalformedFeedException("the " + feed.feedPath()
                            + " feed declares a document type (<!DOCTYPE>); ALAS feeds have none, and Kiln reads no DTD or entity");
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw new MalformedFeedException("the " + feed.feedPath()
                            + " feed refers to the entity &" + reader.getLocalName() + "; which Kiln does not expand");
                    case XMLStreamConstants.START_ELEMENT -> {
                        String name = reader.getLocalName();
                        if (!sawRss) {
                            if (!name.equals("rss")) {
                                throw new MalformedFeedException("the " + feed.feedPath() + " feed is not RSS: its root is <" + name + ">");
                            }
                            sawRss = true;
                        } else if (name.equals("item")) {
                            item = new TreeMap<>();
                            position++;
                        } else if (item != null) {
                            field = name;
                            item.putIfAbsent(name, new StringBuilder());
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                        if (item != null && field != null) {
                            item.get(field).append(reader.getText());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if (reader.getLocalName().equals("item") && item != null) {
                            Read read = item(feed, item, position);
                            if (read.item() != null) {
                                items.add(read.item());
                            } else {
                                problems.add(read.problem());
                            }
                            item = null;
                        }
                        field = null;
                    }
                    default -> {
                    }
                }
            }
            if (!sawRss) {
                throw new MalformedFeedException("the " + feed.feedPath() + " feed is empty");
            }
        } catch (XMLStreamException e) {
            throw new MalformedFeedException("the " + feed.feedPath() + " feed is not well-formed XML: " + e.getMessage(), e);
        } finally {
            close(reader);
        }
        return new ParsedFeed(List.copyOf(items), List.copyOf(problems));
    }

    /** The advisory, or why the item is not one. */
    private record Read(FeedItem item, String problem) {

        static Read problem(String problem) {
            return new Read(null, problem);
        }
    }

    private static Read item(AmazonLinux feed, Map<String, StringBuilder> fields, int position) {
        String title = text(fields, "title");
        Matcher heading = TITLE.matcher(title);
        if (!heading.matches()) {
            return Read.problem("item " + position + ": its title '" + shorten(title) + "' is not 'ALAS…-YYYY-N (severity): packages'");
        }
        String id = heading.group(1);
        String where = "item " + position + " (" + id + ")";
        Optional<Severity> severity = Severity.of(heading.group(2));
        if (severity.isEmpty()) {
            return Read.problem(where + ": severity '" + heading.group(2) + "' is not one of critical, important, medium, low");
        }
        List<String> packages = Arrays.stream(heading.group(3).split(",")).map(String::strip).toList();
        Optional<String> badPackage = packages.stream().filter(p -> !AdvisoryPatterns.PACKAGE.matcher(p).matches()).findFirst();
        if (badPackage.isPresent()) {
            return Read.problem(where + ": '" + shorten(badPackage.get()) + "' is not a package name");
        }
        LinkedHashSet<String> cves = new LinkedHashSet<>();
        Matcher cve = AdvisoryPatterns.CVE.matcher(text(fields, "description"));
        while (cve.find()) {
            cves.add(cve.group());
        }
        String link = text(fields, "link").isEmpty() ? text(fields, "guid") : text(fields, "link");
        Matcher page = LINK.matcher(link);
        if (!page.matches()) {
            return Read.problem(where + ": its link '" + shorten(link) + "' is not an ALAS advisory page");
        }
        Instant published;
        try {
            published = ZonedDateTime.parse(text(fields, "pubDate"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Read.problem(where + ": its pubDate '" + shorten(text(fields, "pubDate")) + "' is not an RFC 1123 date");
        }
        return new Read(new FeedItem(feed, id, severity.get(), packages, List.copyOf(cves), link, page.group(1), published), null);
    }

    private static String text(Map<String, StringBuilder> fields, String name) {
        StringBuilder value = fields.get(name);
        return value == null ? "" : value.toString().strip();
    }

    private static String shorten(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() > 80 ? line.substring(0, 80) + "…" : line;
    }

    private static void close(XMLStreamReader reader) {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException e) {
                // nothing more to read
            }
        }
    }
}
