package dev.kiln.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Fakes of notify's ports that record what they were asked. */
final class Fakes {

    private Fakes() {
    }

    static final class RecordingTopic implements NotificationTopic {
        final List<Notification> published = new ArrayList<>();

        @Override
        public String publish(Notification notification) {
            published.add(notification);
            return "message-" + published.size();
        }
    }

    static final class ScriptedHistory implements ExecutionHistory {
        final List<String> asked = new ArrayList<>();
        private final Function<String, FailureDetails> answer;

        ScriptedHistory(Function<String, FailureDetails> answer) {
            this.answer = answer;
        }

        @Override
        public FailureDetails describe(String executionArn) {
            asked.add(executionArn);
            return answer.apply(executionArn);
        }
    }
}
