package org.karchive.testsupport;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Plausible text for generated files: Python sources, Airflow task logs, config, LDIF. */
final class Texts {
    static final String[] WORDS = {
        "series", "study", "instance", "dicom", "minio", "bucket", "operator", "dag", "task", "run",
        "segmentation", "model", "nnunet", "total", "organ", "mask", "input", "output", "batch", "project",
        "workflow", "config", "client", "request", "response", "opensearch", "index", "thumbnail", "upload",
        "patient", "modality", "slice", "volume", "spacing", "header", "metadata", "result", "status",
        "retry", "timeout", "user", "token", "session", "federated", "remote", "local", "path", "file",
    };
    private static final String[] TYPES = {"str", "int", "dict", "list", "bool", "Optional[str]", "Path"};
    private static final String[] LOG_SOURCES = {
        "taskinstance.py:1159", "taskinstance.py:1361", "standard_task_runner.py:57",
        "local_task_job_runner.py:123", "KaapanaBaseOperator.py:311", "logging_mixin.py:188",
        "HelperMinio.py:96", "LocalGetInputDataOperator.py:142",
    };
    private static final DateTimeFormatter LOG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

    private Texts() {}

    static String ident(Xorshift r) {
        String a = r.pick(WORDS);
        return r.chance(0.6) ? a + "_" + r.pick(WORDS) : a;
    }

    static String camel(Xorshift r) {
        String a = r.pick(WORDS);
        String b = r.pick(WORDS);
        return Character.toUpperCase(a.charAt(0)) + a.substring(1) + Character.toUpperCase(b.charAt(0))
                + b.substring(1);
    }

    static String sentence(Xorshift r, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(r.pick(WORDS));
        }
        return sb.toString();
    }

    /** Python-like source of about {@code size} characters. */
    static String python(Xorshift r, int size) {
        StringBuilder sb = new StringBuilder(size + 256);
        sb.append("import os\nimport json\nimport logging\nfrom pathlib import Path\n");
        sb.append("from kaapana.operators.KaapanaBaseOperator import KaapanaBaseOperator\n\n");
        sb.append("logger = logging.getLogger(__name__)\n\n\n");
        while (sb.length() < size) {
            String cls = camel(r);
            sb.append("class ").append(cls).append("Operator(KaapanaBaseOperator):\n");
            sb.append("    \"\"\"").append(sentence(r, 6 + r.nextInt(10))).append(".\"\"\"\n\n");
            sb.append("    def __init__(self, dag, name=\"").append(ident(r).replace('_', '-'))
                    .append("\", **kwargs):\n");
            int fields = 2 + r.nextInt(5);
            for (int i = 0; i < fields; i++) {
                sb.append("        self.").append(ident(r)).append(" = kwargs.pop(\"").append(ident(r))
                        .append("\", ").append(r.chance(0.5) ? "None" : Integer.toString(r.nextInt(1000)))
                        .append(")\n");
            }
            sb.append("        super().__init__(dag=dag, name=name, **kwargs)\n\n");
            int methods = 1 + r.nextInt(3);
            for (int m = 0; m < methods && sb.length() < size; m++) {
                String fn = ident(r);
                sb.append("    def ").append(fn).append("(self, ").append(ident(r)).append(": ")
                        .append(r.pick(TYPES)).append(") -> ").append(r.pick(TYPES)).append(":\n");
                int lines = 3 + r.nextInt(8);
                for (int i = 0; i < lines; i++) {
                    switch (r.nextInt(5)) {
                        case 0 -> sb.append("        logger.info(\"").append(sentence(r, 4)).append(": %s\", ")
                                .append(ident(r)).append(")\n");
                        case 1 -> sb.append("        ").append(ident(r)).append(" = os.path.join(self.")
                                .append(ident(r)).append(", \"").append(r.pick(WORDS)).append("\")\n");
                        case 2 -> sb.append("        if not ").append(ident(r)).append(":\n            return None\n");
                        case 3 -> sb.append("        for ").append(r.pick(WORDS)).append(" in self.")
                                .append(ident(r)).append(":\n            ").append(ident(r)).append(".append(")
                                .append(r.pick(WORDS)).append(")\n");
                        default -> sb.append("        # ").append(sentence(r, 8)).append('\n');
                    }
                }
                sb.append("        return ").append(ident(r)).append("\n\n");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** An Airflow task log of about {@code size} characters, starting at {@code start}. */
    static String airflowLog(Xorshift r, int size, Instant start, String dag, String task, String runId) {
        StringBuilder sb = new StringBuilder(size + 256);
        long t = start.toEpochMilli();
        String ti = "<TaskInstance: " + dag + "." + task + " " + runId + " [running]>";
        while (sb.length() < size) {
            t += r.nextInt(1500);
            sb.append('[').append(LOG_TIME.format(Instant.ofEpochMilli(t))).append("] {")
                    .append(r.pick(LOG_SOURCES)).append("} ");
            switch (r.nextInt(6)) {
                case 0 -> sb.append("INFO - Dependencies all met for dep_context=non-requeueable deps ti=")
                        .append(ti).append('\n');
                case 1 -> sb.append("INFO - Executing <Task(KaapanaPythonBaseOperator): ").append(task)
                        .append("> on ").append(runId).append('\n');
                case 2 -> sb.append("INFO - Downloading ").append(r.pick(WORDS)).append(" from bucket project-admin: ")
                        .append(r.nextInt(100)).append(" of 100 done\n");
                case 3 -> sb.append("INFO - Marking task as SUCCESS. dag_id=").append(dag).append(", task_id=")
                        .append(task).append(", run_id=").append(runId).append('\n');
                case 4 -> sb.append("WARNING - ").append(sentence(r, 5)).append('\n');
                default -> sb.append("INFO - ").append(ident(r)).append(": ").append(sentence(r, 3)).append('\n');
            }
        }
        return sb.toString();
    }

    /** key = value configuration text of about {@code size} characters. */
    static String conf(Xorshift r, int size) {
        StringBuilder sb = new StringBuilder(size + 128);
        sb.append("# ----------------------------\n# generated configuration file\n# ----------------------------\n\n");
        while (sb.length() < size) {
            if (r.chance(0.3)) {
                sb.append("#").append(ident(r)).append(" = ").append(r.nextInt(4096)).append("\t\t# ")
                        .append(sentence(r, 5)).append('\n');
            } else {
                sb.append(ident(r)).append(" = '").append(r.pick(WORDS)).append("'\n");
            }
        }
        return sb.toString();
    }

    /** An LDIF entry of about {@code size} characters. */
    static String ldif(Xorshift r, String dn, int size) {
        StringBuilder sb = new StringBuilder(size + 128);
        sb.append("# AUTO-GENERATED FILE - DO NOT EDIT!! Use ldapmodify.\n");
        sb.append("dn: ").append(dn).append("\nobjectClass: olcSchemaConfig\n");
        int i = 0;
        while (sb.length() < size) {
            sb.append("olcAttributeTypes: {").append(i++).append("}( 1.2.40.0.13.1.").append(r.nextInt(100000))
                    .append(" NAME '").append(ident(r)).append("' DESC '").append(sentence(r, 4))
                    .append("' EQUALITY caseExactMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )\n");
        }
        sb.append("structuralObjectClass: olcSchemaConfig\nentryUUID: ").append(r.uuid())
                .append("\ncreatorsName: cn=config\n");
        return sb.toString();
    }
}
