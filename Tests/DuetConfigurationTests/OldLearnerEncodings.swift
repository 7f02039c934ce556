/// The learner blocks' encodings as the single learner struct wrote them before the per-algorithm split (the old
/// `OffPolicyConfiguration` of commit a20aadd, encoded with Yams' `YAMLEncoder`, which keeps the key order).
///
/// Generated once, by a throwaway program that compiled that commit's configuration files and printed the encoding
/// of every `learner:` and `peer:` block of `experiments/` and of ``extraBlocks``; the new types must write the
/// same keys, in the same order, with the same values. A preset edited after the split no longer matches its entry
/// here: drop the entry then (there is no old code left to regenerate it).
enum OldLearnerEncodings {
    /// Learner blocks that are not presets, to cover every field and each algorithm's defaults.
    static let extraBlocks: KeyValuePairs<String, String> = [
        "sac-every-field":
            "{algorithm: sac, hidden: [32], discount: 0.95, actorLearningRate: 2.0e-4, criticLearningRate: 5.0e-4, batchSize: 100, targetUpdateRate: 0.02, entropyTuning: true, entropyCoefficient: 0.5, targetEntropy: -3, entropyLearningRate: 1.0e-3, stateDependentExploration: {initialLogStandardDeviation: -2, resampleEvery: 4, meanClip: 0}, layerNorm: true, observationNormalization: true, observationClip: 10, criticWeightDecay: 0.001, noise: {kind: gaussian, scale: 0.3}, distillationLearningRate: 3.0e-4, distillationGradientClip: 0.5}",
        "td3-every-field":
            "{algorithm: td3, hidden: [], discount: 0.9, actorLearningRate: 2.0e-4, criticLearningRate: 5.0e-4, batchSize: 10, targetUpdateRate: 1, policyDelay: 3, targetPolicyNoise: 0.1, targetNoiseClip: 0.3, layerNorm: true, observationNormalization: true, observationClip: 2, criticWeightDecay: 0.01, noise: {kind: ornsteinUhlenbeck, scale: 0.4, meanReversion: 0.2, timeStep: 0.05}, distillationLearningRate: 0, distillationGradientClip: 2}",
        "ddpg-every-field":
            "{algorithm: ddpg, hidden: [16, 8, 4], discount: 1, actorLearningRate: 0, criticLearningRate: 1, batchSize: 1, targetUpdateRate: 0, layerNorm: false, observationNormalization: true, observationClip: 3, criticWeightDecay: 0, noise: {kind: parameter, scale: 0.1, desiredActionDeviation: 0.3, adaptationInterval: 10, adaptationFactor: 1.5}, distillationLearningRate: 1.0e-3, distillationGradientClip: 1}",
        "readme-peer":
            "{algorithm: sac, stateDependentExploration: {initialLogStandardDeviation: -3}}",
        "ddpg-defaults":
            "{algorithm: ddpg}",
        "td3-defaults":
            "{algorithm: td3}",
        "sac-defaults":
            "{algorithm: sac}",
    ]

    /// The old encoding of each block, by `<file> <key>` for the presets and by name for ``extraBlocks``.
    static let encodings: [String: String] = [
        "experiments/mountaincar-dpd-ddpg.yaml learner": """
        algorithm: ddpg
        hidden:
        - 64
        - 64
        discount: 9.9e-1
        actorLearningRate: 1e-4
        criticLearningRate: 1e-3
        batchSize: 64
        targetUpdateRate: 1e-2
        layerNorm: true
        observationNormalization: true
        observationClip: 5e+0
        criticWeightDecay: 1e-2
        noise:
          kind: parameter
          scale: 2e-1
          adaptationInterval: 50
          adaptationFactor: 1.01e+0
        distillationLearningRate: 1e-4
        """,
        "experiments/mountaincar-sac.yaml learner": """
        algorithm: sac
        hidden:
        - 64
        - 64
        discount: 9.999e-1
        actorLearningRate: 3e-4
        criticLearningRate: 3e-4
        batchSize: 512
        targetUpdateRate: 1e-2
        entropyTuning: false
        entropyCoefficient: 1e-1
        entropyLearningRate: 3e-4
        stateDependentExploration:
          initialLogStandardDeviation: -3.67e+0
          resampleEvery: 0
          meanClip: 2e+0
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: none
        distillationLearningRate: 1e-4
        """,
        "experiments/mountaincar-td3.yaml learner": """
        algorithm: td3
        hidden:
        - 400
        - 300
        discount: 9.9e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 256
        targetUpdateRate: 5e-3
        policyDelay: 2
        targetPolicyNoise: 2e-1
        targetNoiseClip: 5e-1
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: ornsteinUhlenbeck
          scale: 5e-1
          meanReversion: 1.5e-1
          timeStep: 1e-2
        distillationLearningRate: 1e-4
        """,
        "experiments/pendulum-ddpg.yaml learner": """
        algorithm: ddpg
        hidden:
        - 400
        - 300
        discount: 9.8e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 256
        targetUpdateRate: 5e-3
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: gaussian
          scale: 1e-1
        distillationLearningRate: 1e-4
        """,
        "experiments/pendulum-dpd-ddpg-reference-code.yaml learner": """
        algorithm: ddpg
        hidden:
        - 64
        - 64
        discount: 9.9e-1
        actorLearningRate: 1e-4
        criticLearningRate: 1e-3
        batchSize: 64
        targetUpdateRate: 1e-2
        layerNorm: true
        observationNormalization: true
        observationClip: 5e+0
        criticWeightDecay: 1e-2
        noise:
          kind: parameter
          scale: 2e-1
          adaptationInterval: 50
          adaptationFactor: 1.01e+0
        distillationLearningRate: 1e-4
        """,
        "experiments/pendulum-dpd-ddpg.yaml learner": """
        algorithm: ddpg
        hidden:
        - 64
        - 64
        discount: 9.9e-1
        actorLearningRate: 1e-4
        criticLearningRate: 1e-3
        batchSize: 64
        targetUpdateRate: 1e-2
        layerNorm: true
        observationNormalization: true
        observationClip: 5e+0
        criticWeightDecay: 1e-2
        noise:
          kind: parameter
          scale: 2e-1
          adaptationInterval: 50
          adaptationFactor: 1.01e+0
        distillationLearningRate: 1e-4
        """,
        "experiments/pendulum-reference-ddpg.yaml learner": """
        algorithm: ddpg
        hidden:
        - 64
        - 64
        discount: 9.9e-1
        actorLearningRate: 1e-4
        criticLearningRate: 1e-3
        batchSize: 64
        targetUpdateRate: 1e-2
        layerNorm: true
        observationNormalization: true
        observationClip: 5e+0
        criticWeightDecay: 1e-2
        noise:
          kind: parameter
          scale: 2e-1
          adaptationInterval: 50
          adaptationFactor: 1.01e+0
        distillationLearningRate: 1e-4
        """,
        "experiments/pendulum-sac.yaml learner": """
        algorithm: sac
        hidden:
        - 256
        - 256
        discount: 9.9e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 256
        targetUpdateRate: 5e-3
        entropyTuning: true
        entropyCoefficient: 1e+0
        entropyLearningRate: 1e-3
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: none
        distillationLearningRate: 1e-4
        """,
        "experiments/pendulum-td3-pair.yaml learner": """
        algorithm: td3
        hidden:
        - 400
        - 300
        discount: 9.8e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 256
        targetUpdateRate: 5e-3
        policyDelay: 2
        targetPolicyNoise: 2e-1
        targetNoiseClip: 5e-1
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: gaussian
          scale: 1e-1
        distillationLearningRate: 1e-4
        """,
        "experiments/pendulum-td3.yaml learner": """
        algorithm: td3
        hidden:
        - 400
        - 300
        discount: 9.8e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 256
        targetUpdateRate: 5e-3
        policyDelay: 2
        targetPolicyNoise: 2e-1
        targetNoiseClip: 5e-1
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: gaussian
          scale: 1e-1
        distillationLearningRate: 1e-4
        """,
        "experiments/quickstart.yaml learner": """
        algorithm: td3
        hidden:
        - 64
        - 64
        discount: 9.8e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 128
        targetUpdateRate: 5e-3
        policyDelay: 2
        targetPolicyNoise: 2e-1
        targetNoiseClip: 5e-1
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: gaussian
          scale: 1e-1
        distillationLearningRate: 1e-4
        """,
        "experiments/smoke/pendulum-dual-tiny.yaml learner": """
        algorithm: td3
        hidden:
        - 32
        - 32
        discount: 9.9e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 32
        targetUpdateRate: 5e-3
        policyDelay: 2
        targetPolicyNoise: 2e-1
        targetNoiseClip: 5e-1
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: gaussian
          scale: 1e-1
        distillationLearningRate: 1e-4
        """,
        "experiments/smoke/pendulum-td3-tiny.yaml learner": """
        algorithm: td3
        hidden:
        - 32
        - 32
        discount: 9.9e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 32
        targetUpdateRate: 5e-3
        policyDelay: 2
        targetPolicyNoise: 2e-1
        targetNoiseClip: 5e-1
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: gaussian
          scale: 1e-1
        distillationLearningRate: 1e-4
        """,
        "sac-every-field": """
        algorithm: sac
        hidden:
        - 32
        discount: 9.5e-1
        actorLearningRate: 2e-4
        criticLearningRate: 5e-4
        batchSize: 100
        targetUpdateRate: 2e-2
        entropyTuning: true
        entropyCoefficient: 5e-1
        targetEntropy: -3e+0
        entropyLearningRate: 1e-3
        stateDependentExploration:
          initialLogStandardDeviation: -2e+0
          resampleEvery: 4
          meanClip: 0e+0
        layerNorm: true
        observationNormalization: true
        observationClip: 1e+1
        criticWeightDecay: 1e-3
        noise:
          kind: gaussian
          scale: 3e-1
        distillationLearningRate: 3e-4
        distillationGradientClip: 5e-1
        """,
        "td3-every-field": """
        algorithm: td3
        hidden: []
        discount: 9e-1
        actorLearningRate: 2e-4
        criticLearningRate: 5e-4
        batchSize: 10
        targetUpdateRate: 1e+0
        policyDelay: 3
        targetPolicyNoise: 1e-1
        targetNoiseClip: 3e-1
        layerNorm: true
        observationNormalization: true
        observationClip: 2e+0
        criticWeightDecay: 1e-2
        noise:
          kind: ornsteinUhlenbeck
          scale: 4e-1
          meanReversion: 2e-1
          timeStep: 5e-2
        distillationLearningRate: 0e+0
        distillationGradientClip: 2e+0
        """,
        "ddpg-every-field": """
        algorithm: ddpg
        hidden:
        - 16
        - 8
        - 4
        discount: 1e+0
        actorLearningRate: 0e+0
        criticLearningRate: 1e+0
        batchSize: 1
        targetUpdateRate: 0e+0
        layerNorm: false
        observationNormalization: true
        observationClip: 3e+0
        criticWeightDecay: 0e+0
        noise:
          kind: parameter
          scale: 1e-1
          desiredActionDeviation: 3e-1
          adaptationInterval: 10
          adaptationFactor: 1.5e+0
        distillationLearningRate: 1e-3
        distillationGradientClip: 1e+0
        """,
        "readme-peer": """
        algorithm: sac
        hidden:
        - 256
        - 256
        discount: 9.9e-1
        actorLearningRate: 3e-4
        criticLearningRate: 3e-4
        batchSize: 256
        targetUpdateRate: 5e-3
        entropyTuning: true
        entropyCoefficient: 1e+0
        entropyLearningRate: 3e-4
        stateDependentExploration:
          initialLogStandardDeviation: -3e+0
          resampleEvery: 0
          meanClip: 2e+0
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: none
        distillationLearningRate: 1e-4
        """,
        "ddpg-defaults": """
        algorithm: ddpg
        hidden:
        - 400
        - 300
        discount: 9.9e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 256
        targetUpdateRate: 5e-3
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: none
        distillationLearningRate: 1e-4
        """,
        "td3-defaults": """
        algorithm: td3
        hidden:
        - 400
        - 300
        discount: 9.9e-1
        actorLearningRate: 1e-3
        criticLearningRate: 1e-3
        batchSize: 256
        targetUpdateRate: 5e-3
        policyDelay: 2
        targetPolicyNoise: 2e-1
        targetNoiseClip: 5e-1
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: none
        distillationLearningRate: 1e-4
        """,
        "sac-defaults": """
        algorithm: sac
        hidden:
        - 256
        - 256
        discount: 9.9e-1
        actorLearningRate: 3e-4
        criticLearningRate: 3e-4
        batchSize: 256
        targetUpdateRate: 5e-3
        entropyTuning: true
        entropyCoefficient: 1e+0
        entropyLearningRate: 3e-4
        layerNorm: false
        observationNormalization: false
        observationClip: 5e+0
        criticWeightDecay: 0e+0
        noise:
          kind: none
        distillationLearningRate: 1e-4
        """,
    ]
}
