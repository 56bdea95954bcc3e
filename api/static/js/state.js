// The client's shared state: the one object the modules read and write.

export const state = {
  user: null,
  sessionId: null, // the conversation shown on the chat page
  shownSession: undefined, // which conversation the message list holds (null: a new one)
  corpus: null, // the corpus of the shown conversation, when known
  sessions: [],
  asking: false,
  documents: null, // cached GET /v1/documents
  docCache: null, // the document shown on the document page (GET /v1/documents/{id})
  docCacheCorpus: null, // the corpus it was read from
  casesAvailable: null,
  jobsTimer: null,
  page: null,
};
