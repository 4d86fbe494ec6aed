package io.busbar.bus.group;

/** A generation of a group as one in-process member knows it: the generation id and its member id. Immutable. */
record MemberGeneration(int id, String memberId) {
    /** Not (yet) in any generation: commits made with it are standalone commits. */
    static final MemberGeneration NONE = new MemberGeneration(-1, "");
}
