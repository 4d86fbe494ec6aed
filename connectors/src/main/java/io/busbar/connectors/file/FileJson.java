package io.busbar.connectors.file;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The Jackson set-up of the file connectors. */
final class FileJson {

    private FileJson() {
    }

    /**
     * A mapper that writes characters outside the BMP (emoji) as UTF-8, not as {@code \uD83D\uDE00} escapes, so a
     * record's JSON reads like the file it came from. ObjectMapper is thread-safe once configured.
     */
    static ObjectMapper newMapper() {
        return JsonMapper.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    }
}
