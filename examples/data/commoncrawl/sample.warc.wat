WARC/1.0
WARC-Type: warcinfo
WARC-Date: 2024-02-02T10:00:00Z
WARC-Filename: sample.warc.wat.gz
WARC-Record-ID: <urn:uuid:7898ca35-e81f-5f39-9050-975ec26f791d>
Content-Type: application/warc-fields
Content-Length: 97

software: letsdata-sample-generator
format: WARC File Format 1.0
filename: sample.warc.wat.gz


WARC/1.0
WARC-Type: metadata
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: sample.warc.gz
WARC-Record-ID: <urn:uuid:c068f9c6-1526-54a9-95ee-2e2ab330f97c>
Content-Type: application/json
Content-Length: 274

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "warcinfo", "WARC-Target-URI": "sample.warc.gz", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:fd86e17b-5e5f-545f-bd8d-3f08d167d704>
WARC-Refers-To: <urn:uuid:9404e0a3-660e-534c-a402-fa878e11850a>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/0
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site0.example/page/0", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:605921c0-f232-532a-adfa-9c49af7cd71f>
WARC-Refers-To: <urn:uuid:cc1091eb-5757-52f2-b023-f12874b5949f>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/0
Content-Type: application/json
Content-Length: 857

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site0.example/page/0", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 0", "Metas": [{"name": "description", "content": "About page 0"}, {"name": "keywords", "content": "k0,sample"}, {"property": "og:title", "content": "OG page 0"}, {"property": "og:site_name", "content": "Site 0"}], "Link": [{"path": "LINK@/href", "url": "https://site0.example/page/0", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site0.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:75229e01-2355-57ea-88d1-261618e4754a>
WARC-Refers-To: <urn:uuid:4410fde0-684f-54d8-bbaf-4fb3eab3572d>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/0
Content-Type: application/json
Content-Length: 639

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site0.example/page/0", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "100"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"en\", \"code-iso-639-3\": \"eng\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"ENGLISH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:6b344b15-ca29-5c1b-8497-3b140ee807d4>
WARC-Refers-To: <urn:uuid:e0f4d7c2-0a5b-5f4f-a6e7-5ff4a8850d23>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site1.example/page/1
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site1.example/page/1", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:c506fd39-203c-5577-b149-f7ea8a62f0e1>
WARC-Refers-To: <urn:uuid:54417207-60f4-5c17-8ba6-272df5a61e0d>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site1.example/page/1
Content-Type: application/json
Content-Length: 857

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site1.example/page/1", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 1", "Metas": [{"name": "description", "content": "About page 1"}, {"name": "keywords", "content": "k1,sample"}, {"property": "og:title", "content": "OG page 1"}, {"property": "og:site_name", "content": "Site 1"}], "Link": [{"path": "LINK@/href", "url": "https://site1.example/page/1", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site1.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:39393b50-b9b5-5f9d-a8d6-937c877db5e8>
WARC-Refers-To: <urn:uuid:74c71a4d-9be8-539f-8a64-4d63498b33c6>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site1.example/page/1
Content-Type: application/json
Content-Length: 638

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site1.example/page/1", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "101"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"fr\", \"code-iso-639-3\": \"fra\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"FRENCH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:fa18ffb1-1d60-5f9d-95c0-8a16827a9dc6>
WARC-Refers-To: <urn:uuid:d7f4865a-4877-5166-8a54-f85753fbdac1>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site2.example/page/2
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site2.example/page/2", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:d6534588-daa4-522c-9f11-ff07914defb6>
WARC-Refers-To: <urn:uuid:a88e3009-8f54-5755-a8ce-ae7f96d61366>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site2.example/page/2
Content-Type: application/json
Content-Length: 857

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site2.example/page/2", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 2", "Metas": [{"name": "description", "content": "About page 2"}, {"name": "keywords", "content": "k2,sample"}, {"property": "og:title", "content": "OG page 2"}, {"property": "og:site_name", "content": "Site 2"}], "Link": [{"path": "LINK@/href", "url": "https://site2.example/page/2", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site2.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:8feed385-c9a1-5e0d-8e5a-ffcf90ae071a>
WARC-Refers-To: <urn:uuid:0e8566cf-05c6-5425-a5de-70d7a1de2b39>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site2.example/page/2
Content-Type: application/json
Content-Length: 640

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site2.example/page/2", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "102"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"ja\", \"code-iso-639-3\": \"jpn\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"JAPANESE\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:4e89c0b7-34f5-544f-8674-989cd3441a4d>
WARC-Refers-To: <urn:uuid:cb553adf-4ca1-5e4b-9c2d-6a446e1e778e>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site3.example/page/3
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site3.example/page/3", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:d6772a86-019d-5c53-a225-bd2320180fe3>
WARC-Refers-To: <urn:uuid:4bc793a8-f593-5895-8f4f-b627842720c2>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site3.example/page/3
Content-Type: application/json
Content-Length: 857

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site3.example/page/3", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 3", "Metas": [{"name": "description", "content": "About page 3"}, {"name": "keywords", "content": "k3,sample"}, {"property": "og:title", "content": "OG page 3"}, {"property": "og:site_name", "content": "Site 3"}], "Link": [{"path": "LINK@/href", "url": "https://site3.example/page/3", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site3.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:ea1d7af0-e8e2-5255-abd0-4bac17b94057>
WARC-Refers-To: <urn:uuid:2da35c9c-75b7-5dbd-97b5-12259b206345>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site3.example/page/3
Content-Type: application/json
Content-Length: 639

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site3.example/page/3", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "103"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"en\", \"code-iso-639-3\": \"eng\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"ENGLISH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:1e4dd581-a850-5d77-988d-6901fc57d4e9>
WARC-Refers-To: <urn:uuid:9982d104-e5d3-55fc-ac87-eebca531f713>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site4.example/page/4
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site4.example/page/4", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:845acacd-8e2d-5a03-bd38-c90728ce770e>
WARC-Refers-To: <urn:uuid:65787fed-eb56-5fbf-9814-ea1ba5b9ff86>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site4.example/page/4
Content-Type: application/json
Content-Length: 857

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site4.example/page/4", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 4", "Metas": [{"name": "description", "content": "About page 4"}, {"name": "keywords", "content": "k4,sample"}, {"property": "og:title", "content": "OG page 4"}, {"property": "og:site_name", "content": "Site 4"}], "Link": [{"path": "LINK@/href", "url": "https://site4.example/page/4", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site4.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:b807debb-74d7-593a-a36b-c9b1aaf82a56>
WARC-Refers-To: <urn:uuid:226e0de1-6bd4-584b-99d5-6908101ac9d1>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site4.example/page/4
Content-Type: application/json
Content-Length: 638

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site4.example/page/4", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "104"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"fr\", \"code-iso-639-3\": \"fra\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"FRENCH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:a105bda4-405a-51db-a204-607c5af16ebb>
WARC-Refers-To: <urn:uuid:1c0a7093-850a-509d-bcc5-76d76d142322>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/5
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site0.example/page/5", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:76aa49ee-86af-5764-a4f5-ee659ef68f1f>
WARC-Refers-To: <urn:uuid:470e086f-0731-58a1-a9cc-67c77a9caf03>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/5
Content-Type: application/json
Content-Length: 857

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site0.example/page/5", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 5", "Metas": [{"name": "description", "content": "About page 5"}, {"name": "keywords", "content": "k5,sample"}, {"property": "og:title", "content": "OG page 5"}, {"property": "og:site_name", "content": "Site 0"}], "Link": [{"path": "LINK@/href", "url": "https://site0.example/page/5", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site0.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:386b8a95-9655-54d1-9cf0-84b233a3ab3b>
WARC-Refers-To: <urn:uuid:ecaae516-dd3a-533a-b62b-e5d340fb31cd>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/5
Content-Type: application/json
Content-Length: 640

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site0.example/page/5", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "105"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"ja\", \"code-iso-639-3\": \"jpn\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"JAPANESE\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:fbaa6ef8-f842-5454-b184-07bdb0fd9d2a>
WARC-Refers-To: <urn:uuid:4a091948-265f-59aa-bf91-8c686fdab322>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site1.example/page/6
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site1.example/page/6", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:477b253c-336a-501b-bb2b-9c003dc1c031>
WARC-Refers-To: <urn:uuid:371d4ef4-b400-50b0-8754-2afd6dedb1a2>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site1.example/page/6
Content-Type: application/json
Content-Length: 857

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site1.example/page/6", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 6", "Metas": [{"name": "description", "content": "About page 6"}, {"name": "keywords", "content": "k6,sample"}, {"property": "og:title", "content": "OG page 6"}, {"property": "og:site_name", "content": "Site 1"}], "Link": [{"path": "LINK@/href", "url": "https://site1.example/page/6", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site1.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:0c0f1f48-8813-5693-9ea2-a4354d7dd79a>
WARC-Refers-To: <urn:uuid:9f315324-a41e-5678-90cf-cc6df3150bdb>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site1.example/page/6
Content-Type: application/json
Content-Length: 639

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site1.example/page/6", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "106"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"en\", \"code-iso-639-3\": \"eng\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"ENGLISH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:fe325962-f77b-53d7-8d5d-660aaa24c1b7>
WARC-Refers-To: <urn:uuid:cd3d5cda-f892-5514-be44-b75e982438f1>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site2.example/page/7
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site2.example/page/7", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:e1c60d67-7718-5235-bcc1-8653d14947d8>
WARC-Refers-To: <urn:uuid:930fa003-bb77-5a23-9685-25e84f7f03c3>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site2.example/page/7
Content-Type: application/json
Content-Length: 428

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site2.example/page/7", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-M

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:5e2a9bbf-d5a6-5ada-b1a3-ea1b0973d665>
WARC-Refers-To: <urn:uuid:c98be3ed-ede7-5838-a210-c7659bb7bc8d>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site2.example/page/7
Content-Type: application/json
Content-Length: 638

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site2.example/page/7", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "107"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"fr\", \"code-iso-639-3\": \"fra\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"FRENCH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:2e229d8b-a13a-519a-852a-e17e833b6048>
WARC-Refers-To: <urn:uuid:62a06ec0-f5c3-5afd-9295-2044448b99e2>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site3.example/page/8
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site3.example/page/8", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:a66f1815-fccd-5afc-80f0-2bd64f0e8178>
WARC-Refers-To: <urn:uuid:f3f8e094-cbeb-5c8f-90bb-b4f04eba59d0>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site3.example/page/8
Content-Type: application/json
Content-Length: 857

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site3.example/page/8", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 8", "Metas": [{"name": "description", "content": "About page 8"}, {"name": "keywords", "content": "k8,sample"}, {"property": "og:title", "content": "OG page 8"}, {"property": "og:site_name", "content": "Site 3"}], "Link": [{"path": "LINK@/href", "url": "https://site3.example/page/8", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site3.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:f6bde3de-6f1c-59a1-aff6-17261c28af99>
WARC-Refers-To: <urn:uuid:e9562f92-341e-5d62-a00b-8db4cc633f24>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site3.example/page/8
Content-Type: application/json
Content-Length: 640

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site3.example/page/8", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "108"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"ja\", \"code-iso-639-3\": \"jpn\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"JAPANESE\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:8d6fa919-e517-54e8-b6d4-1509e747e925>
WARC-Refers-To: <urn:uuid:c91bbf1a-1304-5a74-8105-261fb250d731>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site4.example/page/9
Content-Type: application/json
Content-Length: 297

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site4.example/page/9", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:30ad8353-0816-51b1-b81c-816414b38bd1>
WARC-Refers-To: <urn:uuid:65e7902a-f210-590a-a427-8ddf87769596>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site4.example/page/9
Content-Type: application/json
Content-Length: 857

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site4.example/page/9", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 9", "Metas": [{"name": "description", "content": "About page 9"}, {"name": "keywords", "content": "k9,sample"}, {"property": "og:title", "content": "OG page 9"}, {"property": "og:site_name", "content": "Site 4"}], "Link": [{"path": "LINK@/href", "url": "https://site4.example/page/9", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site4.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:5cfb29c4-725a-5410-855b-5e5bdab9b812>
WARC-Refers-To: <urn:uuid:ad37d3e8-9ce0-54c4-87ce-3d42a1b7bd24>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site4.example/page/9
Content-Type: application/json
Content-Length: 639

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site4.example/page/9", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "109"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 55, \"languages\": [{\"code\": \"en\", \"code-iso-639-3\": \"eng\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"ENGLISH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:76d0132b-3f52-5819-95dd-0e48c470841a>
WARC-Refers-To: <urn:uuid:14faede4-83bf-53f3-ac7e-afb4b30cdae5>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/10
Content-Type: application/json
Content-Length: 298

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site0.example/page/10", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:d66dc62e-1461-5f17-84d8-d2b8de8deca1>
WARC-Refers-To: <urn:uuid:065b5c0e-bff3-5998-a9c6-1f8a69c8b769>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/10
Content-Type: application/json
Content-Length: 863

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site0.example/page/10", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 10", "Metas": [{"name": "description", "content": "About page 10"}, {"name": "keywords", "content": "k10,sample"}, {"property": "og:title", "content": "OG page 10"}, {"property": "og:site_name", "content": "Site 0"}], "Link": [{"path": "LINK@/href", "url": "https://site0.example/page/10", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site0.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:d5f3c36c-39f4-50aa-bb26-c3c865e95dbe>
WARC-Refers-To: <urn:uuid:afa4b7cf-46bd-596d-809c-41b29e3b01c5>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/10
Content-Type: application/json
Content-Length: 639

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site0.example/page/10", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "110"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 59, \"languages\": [{\"code\": \"fr\", \"code-iso-639-3\": \"fra\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"FRENCH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:e92cbf57-c7dd-5048-8764-bbb222c23d55>
WARC-Refers-To: <urn:uuid:3c5f7c86-e356-513b-8fd0-71c7b6ef62c5>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site1.example/page/11
Content-Type: application/json
Content-Length: 298

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site1.example/page/11", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:d32c33d1-13ae-5f07-b4cd-c533eac8b81c>
WARC-Refers-To: <urn:uuid:d965cbdf-6e0c-5c40-9ad6-186aa80788c9>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site1.example/page/11
Content-Type: application/json
Content-Length: 863

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site1.example/page/11", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 11", "Metas": [{"name": "description", "content": "About page 11"}, {"name": "keywords", "content": "k11,sample"}, {"property": "og:title", "content": "OG page 11"}, {"property": "og:site_name", "content": "Site 1"}], "Link": [{"path": "LINK@/href", "url": "https://site1.example/page/11", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site1.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:6662d14c-7a25-55f6-b429-8aff1ec7ac12>
WARC-Refers-To: <urn:uuid:f3922214-f917-59bc-83f7-79d1300c9fa9>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site1.example/page/11
Content-Type: application/json
Content-Length: 641

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site1.example/page/11", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "111"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 59, \"languages\": [{\"code\": \"ja\", \"code-iso-639-3\": \"jpn\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"JAPANESE\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:dae770e3-773d-5a8d-86cb-1041a115ad94>
WARC-Refers-To: <urn:uuid:a78519c4-b4d9-52c9-86e3-3855fea019cb>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site2.example/page/12
Content-Type: application/json
Content-Length: 298

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site2.example/page/12", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:3cfb5794-56ef-5571-a856-7721bef2917b>
WARC-Refers-To: <urn:uuid:81f23c44-2a66-507b-b745-88b2d5503437>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site2.example/page/12
Content-Type: application/json
Content-Length: 863

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site2.example/page/12", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 12", "Metas": [{"name": "description", "content": "About page 12"}, {"name": "keywords", "content": "k12,sample"}, {"property": "og:title", "content": "OG page 12"}, {"property": "og:site_name", "content": "Site 2"}], "Link": [{"path": "LINK@/href", "url": "https://site2.example/page/12", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site2.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:cbb38f40-bb84-5a94-9e77-1ad1677b3080>
WARC-Refers-To: <urn:uuid:787c3cc2-9824-5364-89ef-a9ec0734572a>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site2.example/page/12
Content-Type: application/json
Content-Length: 640

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site2.example/page/12", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "112"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 59, \"languages\": [{\"code\": \"en\", \"code-iso-639-3\": \"eng\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"ENGLISH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:1313ebe9-4a41-51af-ab4e-baa122b11457>
WARC-Refers-To: <urn:uuid:ad495092-3a6c-587e-91e1-1abd82feee8d>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site3.example/page/13
Content-Type: application/json
Content-Length: 298

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site3.example/page/13", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:65b93718-5d5a-546c-a838-eafbfe260991>
WARC-Refers-To: <urn:uuid:2c65166c-ddac-58e2-89b0-149a6f1bddd8>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site3.example/page/13
Content-Type: application/json
Content-Length: 863

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site3.example/page/13", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 13", "Metas": [{"name": "description", "content": "About page 13"}, {"name": "keywords", "content": "k13,sample"}, {"property": "og:title", "content": "OG page 13"}, {"property": "og:site_name", "content": "Site 3"}], "Link": [{"path": "LINK@/href", "url": "https://site3.example/page/13", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site3.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:2352fbdd-e213-526a-9243-c1da2ac7c899>
WARC-Refers-To: <urn:uuid:5f0f1420-a9e2-592a-b6d8-eddc98f45682>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site3.example/page/13
Content-Type: application/json
Content-Length: 639

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site3.example/page/13", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "113"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 59, \"languages\": [{\"code\": \"fr\", \"code-iso-639-3\": \"fra\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"FRENCH\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:078211ca-62d8-58d7-aa6b-8ef6764d5b17>
WARC-Refers-To: <urn:uuid:519022f2-210b-5d02-9a97-9ea758e8b87f>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site4.example/page/14
Content-Type: application/json
Content-Length: 298

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site4.example/page/14", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:4f7cb3b1-5b70-5785-b25d-e7fe8b7f190f>
WARC-Refers-To: <urn:uuid:b5414856-ab8f-5f97-9342-7e7775f15177>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site4.example/page/14
Content-Type: application/json
Content-Length: 863

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site4.example/page/14", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 14", "Metas": [{"name": "description", "content": "About page 14"}, {"name": "keywords", "content": "k14,sample"}, {"property": "og:title", "content": "OG page 14"}, {"property": "og:site_name", "content": "Site 4"}], "Link": [{"path": "LINK@/href", "url": "https://site4.example/page/14", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site4.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:c1e75138-5062-5c67-b0a3-3708cc642368>
WARC-Refers-To: <urn:uuid:6ea330fc-e234-5a31-922e-adb2ef0d1056>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site4.example/page/14
Content-Type: application/json
Content-Length: 641

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site4.example/page/14", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "114"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 59, \"languages\": [{\"code\": \"ja\", \"code-iso-639-3\": \"jpn\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"JAPANESE\"}]}"}]}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:e3ef8eff-e9bd-52a3-8c61-f64f7a8acb6d>
WARC-Refers-To: <urn:uuid:254d5f87-353a-53c0-aad5-95bbc8c82910>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/15
Content-Type: application/json
Content-Length: 298

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": "https://site0.example/page/15", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request"}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:d4385b64-6148-5d27-8180-5d215d772ee7>
WARC-Refers-To: <urn:uuid:66662d21-af15-59d7-9ff5-5325bf6bec8d>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/15
Content-Type: application/json
Content-Length: 863

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": "https://site0.example/page/15", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=response", "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"}, "Headers": {"Content-Type": "text/html; charset=UTF-8"}, "HTML-Metadata": {"Head": {"Title": "Page 15", "Metas": [{"name": "description", "content": "About page 15"}, {"name": "keywords", "content": "k15,sample"}, {"property": "og:title", "content": "OG page 15"}, {"property": "og:site_name", "content": "Site 0"}], "Link": [{"path": "LINK@/href", "url": "https://site0.example/page/15", "rel": "canonical"}, {"path": "LINK@/href", "url": "https://site0.example/favicon.ico", "rel": "icon"}]}}}}}}

WARC/1.0
WARC-Type: metadata
WARC-Record-ID: <urn:uuid:c6aaa67a-03a3-5e29-aa55-127c928a8f45>
WARC-Refers-To: <urn:uuid:1221d0a1-5e31-5200-82a1-2e13a8daf04a>
WARC-Date: 2024-02-02T10:00:00Z
WARC-Target-URI: https://site0.example/page/15
Content-Type: application/json
Content-Length: 640

{"Container": {"Filename": "sample.warc.gz"}, "Envelope": {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": "metadata", "WARC-Target-URI": "https://site0.example/page/15", "WARC-Date": "2024-02-02T10:00:00Z"}, "Payload-Metadata": {"Actual-Content-Type": "application/warc-fields", "WARC-Metadata-Metadata": {"Metadata-Records": [{"Name": "fetchTimeMs", "Value": "115"}, {"Name": "charset-detected", "Value": "UTF-8"}, {"Name": "languages-cld2", "Value": "{\"reliable\": true, \"text-bytes\": 59, \"languages\": [{\"code\": \"en\", \"code-iso-639-3\": \"eng\", \"text-covered\": 0.99, \"score\": 900.0, \"name\": \"ENGLISH\"}]}"}]}}}}

