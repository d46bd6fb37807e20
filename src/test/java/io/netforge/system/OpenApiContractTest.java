package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.MethodParameter;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

import io.netforge.support.TestDatabases;

/**
 * Keeps {@code openapi.yaml} true to the code: the same operations as the controllers map, and for each
 * operation's JSON request and response bodies exactly the fields of the records the code reads and
 * writes, with matching JSON types, recursively. It also checks that every extension member the code
 * puts in a problem document is documented.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK, properties = "netforge.training.workers=0")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    Map<String, Object> spec;

    @BeforeAll
    void load() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("openapi.yaml"))) {
            spec = new Yaml().load(in);
        }
    }

    /** The API's own handlers (not Spring's error or actuator ones), as "METHOD /path" → handler. */
    private Map<String, HandlerMethod> handlers() {
        Map<String, HandlerMethod> out = new java.util.TreeMap<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            if (!entry.getValue().getBeanType().getPackageName().startsWith("io.netforge")) {
                continue;
            }
            for (String path : entry.getKey().getPatternValues()) {
                entry.getKey().getMethodsCondition().getMethods()
                        .forEach(method -> out.merge(method.name() + " " + path, entry.getValue(), (a, b) -> a));
            }
        }
        return out;
    }

    @Test
    void documentsExactlyTheOperationsTheControllersServe() {
        Set<String> documented = new TreeSet<>();
        map(spec.get("paths")).forEach((path, item) -> map(item).keySet().stream()
                .filter(key -> Set.of("get", "post", "put", "patch", "delete").contains(key))
                .forEach(method -> documented.add(method.toUpperCase() + " " + path)));
        assertThat(documented).isEqualTo(handlers().keySet());
    }

    @Test
    void documentsEveryFieldOfEveryJsonBodyWithItsType() {
        List<String> problems = new ArrayList<>();
        handlers().forEach((operation, handler) -> {
            String[] parts = operation.split(" ", 2);
            Map<String, Object> op = map(map(map(spec.get("paths")).get(parts[1])).get(parts[0].toLowerCase()));
            for (MethodParameter parameter : handler.getMethodParameters()) {
                if (parameter.hasParameterAnnotation(RequestBody.class)) {
                    Object schema = jsonSchema(map(op.get("requestBody")));
                    compare(parameter.getGenericParameterType(), schema, operation + " request", problems);
                }
            }
            Type returned = handler.getReturnType().getGenericParameterType();
            if (returned instanceof ParameterizedType p && p.getRawType() == ResponseEntity.class) {
                returned = p.getActualTypeArguments()[0];
            }
            if (returned instanceof java.lang.reflect.WildcardType) {
                // a handler that answers one of several records, each with its own status: the contract documents
                // each status with its record
                Map<String, String> answers = POLYMORPHIC_RESPONSES.get(operation);
                if (answers == null) {
                    problems.add(operation + ": answers ResponseEntity<?>; list its records in POLYMORPHIC_RESPONSES");
                    return;
                }
                Map<String, Object> responses = map(op.get("responses"));
                answers.forEach((status, record) -> {
                    try {
                        compare(Class.forName(record), jsonSchema(map(responses.get(status))),
                                operation + " response " + status, problems);
                    } catch (ClassNotFoundException e) {
                        problems.add(operation + ": no record " + record);
                    }
                });
                return;
            }
            Map<String, Object> responses = map(op.get("responses"));
            Map<String, Object> success = responses.entrySet().stream().filter(e -> e.getKey().startsWith("2"))
                    .map(e -> map(e.getValue())).findFirst().orElse(null);
            assertThat(success).as(operation + " documents a 2xx response").isNotNull();
            if (returned == org.springframework.web.servlet.mvc.method.annotation.SseEmitter.class) {
                if (success.get("content") == null
                        || !map(success.get("content")).containsKey("text/event-stream")) {
                    problems.add(operation + ": the code streams server-sent events, the contract does not say so");
                }
            } else if (returned == byte[].class
                    || returned == org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody.class) {
                // bytes the code writes itself (images, streamed CSV): the contract lists exactly the types produced
                Set<String> produces = new TreeSet<>();
                var get = handler.getMethodAnnotation(org.springframework.web.bind.annotation.GetMapping.class);
                var post = handler.getMethodAnnotation(org.springframework.web.bind.annotation.PostMapping.class);
                if (get != null) {
                    produces.addAll(Arrays.asList(get.produces()));
                }
                if (post != null) {
                    produces.addAll(Arrays.asList(post.produces()));
                }
                Set<String> documented = success.get("content") == null ? Set.of()
                        : new TreeSet<>(map(success.get("content")).keySet());
                if (produces.isEmpty() || !produces.equals(documented)) {
                    problems.add(operation + ": the code answers " + produces + ", the contract documents " + documented);
                }
            } else if (returned == void.class || returned == Void.class) {
                if (success.get("content") != null) {
                    problems.add(operation + ": the code answers without a body, the contract documents one");
                }
            } else {
                compare(returned, jsonSchema(success), operation + " response", problems);
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void documentsEveryProblemExtensionMemberTheCodeSets() throws IOException {
        Set<String> used = new TreeSet<>();
        Pattern member = Pattern.compile("(?:\\.with|setProperty)\\(\"([a-zA-Z]+)\"");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = member.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        Set<String> documented = map(resolve(Map.of("$ref", "#/components/schemas/Problem")).get("properties")).keySet();
        assertThat(used).isNotEmpty();
        assertThat(documented).containsAll(used);
    }

    /** Handlers that answer one of several records (ResponseEntity<?>): status to record. */
    private static final Map<String, Map<String, String>> POLYMORPHIC_RESPONSES = Map.of(
            "POST /models", Map.of("202", "io.netforge.model.ModelView", "303", "io.netforge.search.SearchView"));

    private Object jsonSchema(Map<String, Object> bodyOrResponse) {
        if (bodyOrResponse == null || bodyOrResponse.get("content") == null) {
            return null;
        }
        Map<String, Object> json = map(map(bodyOrResponse.get("content")).get("application/json"));
        return json == null ? null : json.get("schema");
    }

    /** Compares a Java type with a JSON schema, adding a line per mismatch to {@code problems}. */
    private void compare(Type type, Object schemaObject, String where, List<String> problems) {
        if (schemaObject == null) {
            problems.add(where + ": not documented as a JSON body");
            return;
        }
        Class<?> raw = raw(type);
        if (tools.jackson.databind.JsonNode.class.isAssignableFrom(raw)) {
            // a field the code reads as free JSON (one of several shapes): the contract must name the shapes
            Map<String, Object> free = resolve(map(schemaObject));
            if (!(free.get("oneOf") instanceof List<?>) && types(free).size() < 2) {
                problems.add(where + ": read as any JSON, documented without its shapes (oneOf)");
            }
            return;
        }
        Map<String, Object> schema = nonNull(resolve(map(schemaObject)));
        Set<String> types = types(schema);
        if (raw.isInterface() && raw.isSealed()) {
            // one record per case (a task's metrics, ...), read back by the members present: the schema documents
            // every member of every case, each with its type
            if (!types.contains("object")) {
                problems.add(where + ": " + raw.getSimpleName() + " is an object, documented as " + types);
                return;
            }
            Map<String, Object> properties = map(schema.get("properties"));
            for (Class<?> permitted : raw.getPermittedSubclasses()) {
                for (RecordComponent component : permitted.getRecordComponents()) {
                    if (properties == null || !properties.containsKey(component.getName())) {
                        problems.add(where + ": " + permitted.getSimpleName() + "." + component.getName()
                                + " is not documented");
                    } else {
                        compare(component.getGenericType(), properties.get(component.getName()),
                                where + "." + component.getName(), problems);
                    }
                }
            }
            return;
        }
        if (raw.isRecord()) {
            if (!types.contains("object")) {
                problems.add(where + ": " + raw.getSimpleName() + " is an object, documented as " + types);
                return;
            }
            Map<String, Object> properties = map(schema.get("properties"));
            Set<String> components = new TreeSet<>(Arrays.stream(raw.getRecordComponents())
                    .map(RecordComponent::getName).toList());
            if (properties == null || !components.equals(properties.keySet())) {
                problems.add(where + ": " + raw.getSimpleName() + " has fields " + components + ", documented "
                        + (properties == null ? "none" : properties.keySet()));
                return;
            }
            Object required = schema.get("required");
            if (required instanceof Collection<?> names && !components.containsAll(names)) {
                problems.add(where + ": required " + names + " are not all fields of " + raw.getSimpleName());
            }
            for (RecordComponent component : raw.getRecordComponents()) {
                compare(component.getGenericType(), properties.get(component.getName()),
                        where + "." + component.getName(), problems);
            }
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            if (!types.contains("array")) {
                problems.add(where + ": a list, documented as " + types);
                return;
            }
            Type element = raw.isArray() ? raw.getComponentType()
                    : ((ParameterizedType) type).getActualTypeArguments()[0];
            compare(element, schema.get("items"), where + "[]", problems);
        } else if (Map.class.isAssignableFrom(raw)) {
            if (!types.contains("object") || !(schema.get("additionalProperties") instanceof Map)) {
                problems.add(where + ": a map, documented as " + types + " without additionalProperties");
                return;
            }
            compare(((ParameterizedType) type).getActualTypeArguments()[1], schema.get("additionalProperties"),
                    where + "{}", problems);
        } else if (raw.isEnum()) {
            // as Jackson writes them: by a @JsonValue method when there is one, else by name
            java.lang.reflect.Method value = Arrays.stream(raw.getMethods())
                    .filter(m -> m.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonValue.class)).findFirst()
                    .orElse(null);
            List<String> constants = Arrays.stream(raw.getEnumConstants()).map(c -> {
                try {
                    return String.valueOf(value == null ? c : value.invoke(c));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            if (!types.contains("string") || !constants.equals(schema.get("enum"))) {
                problems.add(where + ": enum " + constants + ", documented as " + types + " " + schema.get("enum"));
            }
        } else {
            Set<String> expected = scalar(raw);
            if (expected == null) {
                problems.add(where + ": no JSON type known for " + raw.getName());
            } else if (!types.containsAll(expected)) {
                problems.add(where + ": " + raw.getSimpleName() + " is " + expected + ", documented as " + types);
            } else if ((raw == UUID.class && !"uuid".equals(schema.get("format")))
                    || (raw == Instant.class && !"date-time".equals(schema.get("format")))) {
                problems.add(where + ": " + raw.getSimpleName() + " needs format " + (raw == UUID.class ? "uuid" : "date-time"));
            }
        }
    }

    private static Set<String> scalar(Class<?> raw) {
        if (raw == String.class || raw == UUID.class || raw == Instant.class) {
            return Set.of("string");
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return Set.of("integer");
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            return Set.of("number");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return Set.of("boolean");
        }
        if (raw == Object.class) {
            // Class values: a number when the labels are numeric, else a string.
            return Set.of("string", "number");
        }
        return null;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        return (Class<?>) ((ParameterizedType) type).getRawType();
    }

    /** The schema of a {@code oneOf: [X, null]} is X's. */
    private Map<String, Object> nonNull(Map<String, Object> schema) {
        if (schema.get("oneOf") instanceof List<?> options) {
            List<Map<String, Object>> nonNull = options.stream().map(o -> resolve(map(o)))
                    .filter(o -> !types(o).equals(Set.of("null"))).toList();
            if (nonNull.size() == 1) {
                return nonNull.get(0);
            }
        }
        return schema;
    }

    private static Set<String> types(Map<String, Object> schema) {
        Object type = schema.get("type");
        if (type instanceof String s) {
            return Set.of(s);
        }
        if (type instanceof List<?> list) {
            return new TreeSet<>(list.stream().map(String::valueOf).toList());
        }
        return Set.of();
    }

    private Map<String, Object> resolve(Map<String, Object> schema) {
        Object ref = schema.get("$ref");
        if (ref == null) {
            return schema;
        }
        Map<String, Object> node = spec;
        for (String part : ref.toString().substring(2).split("/")) {
            node = map(node.get(part));
        }
        return resolve(node);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
