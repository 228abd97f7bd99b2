import { adrRecords } from "../../.vitepress/adr.js";

// One page per record of docs/adr/: a new record is on the site without any change here.
export default {
  paths: () => adrRecords().map((record) => ({ params: { adr: record.slug }, content: record.content })),
};
