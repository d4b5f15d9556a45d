package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One parsed {@code .tf} file.
 *
 * @param path the file
 * @param body what {@code @cdktf/hcl2json} makes of it: blocks become arrays of objects,
 *     expressions become strings with {@code ${...}}
 * @param references for every string of the body holding an expression, the references in it
 *     ({@code var.x}, {@code aws_sqs_queue.dlq.arn}, ...), as hcl2json finds them
 */
public record TfFile(Path path, JsonNode body, Map<String, List<String>> references) {}
