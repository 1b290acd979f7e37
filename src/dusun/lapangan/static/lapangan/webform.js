// A shipped XForm in the browser with ODK Web Forms, sending to the OpenRosa endpoints as a client does:
// the form and its CSV media are downloaded from the device's URLs, and on "Send" the page asks
// HEAD /submission for the size limit, then POSTs the submission (split in several POSTs when the
// attachments exceed the limit, each carrying the same XML, as Enketo and Web Forms do).
import { createApp, h } from "vue";
import { OdkWebForm, POST_SUBMIT__NEW_INSTANCE, webFormsPlugin } from "@getodk/web-forms";

const root = document.getElementById("webform");
const status = document.getElementById("webform-status");
const openrosa = { "X-OpenRosa-Version": "1.0" };

async function openrosaMessage(response) {
  const text = await response.text();
  const doc = new DOMParser().parseFromString(text, "text/xml");
  return doc.getElementsByTagNameNS("http://openrosa.org/http/response", "message")[0]?.textContent || text;
}

async function start() {
  status.textContent = root.dataset.msgLoading;
  const head = await fetch(root.dataset.submissionUrl, { method: "HEAD", headers: openrosa });
  const maxSize = Number(head.headers.get("X-OpenRosa-Accept-Content-Length")) || 5 * 1024 * 1024;
  const formXml = await (await fetch(root.dataset.formUrl, { headers: openrosa })).text();
  // jr://file-csv/keluarga.csv → the village's own list from the manifest's media URL.
  const fetchFormAttachment = (url) => {
    const name = String(url).split("/").pop();
    return fetch(root.dataset.mediaUrl.replace(/NAMA$/, encodeURIComponent(name)), { headers: openrosa });
  };

  async function send(payload, callback) {
    try {
      await fetch(root.dataset.submissionUrl, { method: "HEAD", headers: openrosa });
      for (const data of payload.data) {
        const response = await fetch(root.dataset.submissionUrl, { method: "POST", headers: openrosa, body: data });
        if (response.status !== 201) {
          throw new Error(await openrosaMessage(response));
        }
      }
      status.textContent = root.dataset.msgSent;
      status.dataset.state = "sent";
      callback({ next: POST_SUBMIT__NEW_INSTANCE });
    } catch (error) {
      status.textContent = `${root.dataset.msgFailed} ${error.message}`;
      status.dataset.state = "failed";
      callback({});
    }
  }

  status.textContent = "";
  const app = createApp({
    render: () =>
      h(OdkWebForm, {
        formXml,
        fetchFormAttachment,
        submissionMaxSize: maxSize,
        missingResourceBehavior: "BLANK",
        trackDevice: true,
        onSubmitChunked: send,
      }),
  });
  app.use(webFormsPlugin);
  app.mount(root);
}

start();
